/* SPDX-License-Identifier: MIT */
/* dynlib_virt.h: libvirt's functions as kvmcap calls them, through util/dynlib.c's table. */
#ifndef KC_DYNLIB_VIRT_H
#define KC_DYNLIB_VIRT_H

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "util/dynlib.h"

/* Every libvirt function kvmcap calls (a call to one not listed here and defined below
 * leaves build/kvmcap with an undefined reference: the link says so). */
#define KC_VIRT_FUNCTIONS(X) \
    X(virConnectClose) X(virConnectGetAllDomainStats) X(virConnectGetCapabilities) \
    X(virConnectGetHostname) X(virConnectListAllDomains) X(virConnectListAllNetworks) \
    X(virConnectListAllNodeDevices) X(virConnectListAllStoragePools) \
    X(virConnectOpenReadOnly) X(virConnectSetKeepAlive) X(virDomainFree) X(virDomainGetID) \
    X(virDomainGetName) X(virDomainGetUUIDString) X(virDomainGetXMLDesc) \
    X(virDomainIsActive) X(virDomainStatsRecordListFree) X(virEventRegisterDefaultImpl) \
    X(virEventRunDefaultImpl) X(virGetLastError) X(virGetLastErrorMessage) X(virInitialize) \
    X(virNetworkFree) X(virNetworkGetName) X(virNetworkGetXMLDesc) X(virNetworkIsActive) \
    X(virNodeDeviceFree) X(virNodeDeviceGetName) X(virNodeDeviceGetXMLDesc) \
    X(virNodeGetCPUStats) X(virNodeGetInfo) X(virNodeGetMemoryStats) X(virSetErrorFunc) \
    X(virStoragePoolFree) X(virStoragePoolGetName) X(virStoragePoolGetXMLDesc) \
    X(virStoragePoolIsActive)

/* One pointer per function, of the type libvirt's header gives it. */
typedef struct kc_dynlib_virt_table {
#define KC_VIRT_SLOT(name) __typeof__(name) *(name);
    KC_VIRT_FUNCTIONS(KC_VIRT_SLOT)
#undef KC_VIRT_SLOT
} kc_dynlib_virt_table;

extern kc_dynlib_virt_table kc_dynlib_virt;

#ifndef KC_DYNLIB_IMPL
#define virConnectClose (kc_dynlib_virt.virConnectClose)
#define virConnectGetAllDomainStats (kc_dynlib_virt.virConnectGetAllDomainStats)
#define virConnectGetCapabilities (kc_dynlib_virt.virConnectGetCapabilities)
#define virConnectGetHostname (kc_dynlib_virt.virConnectGetHostname)
#define virConnectListAllDomains (kc_dynlib_virt.virConnectListAllDomains)
#define virConnectListAllNetworks (kc_dynlib_virt.virConnectListAllNetworks)
#define virConnectListAllNodeDevices (kc_dynlib_virt.virConnectListAllNodeDevices)
#define virConnectListAllStoragePools (kc_dynlib_virt.virConnectListAllStoragePools)
#define virConnectOpenReadOnly (kc_dynlib_virt.virConnectOpenReadOnly)
#define virConnectSetKeepAlive (kc_dynlib_virt.virConnectSetKeepAlive)
#define virDomainFree (kc_dynlib_virt.virDomainFree)
#define virDomainGetID (kc_dynlib_virt.virDomainGetID)
#define virDomainGetName (kc_dynlib_virt.virDomainGetName)
#define virDomainGetUUIDString (kc_dynlib_virt.virDomainGetUUIDString)
#define virDomainGetXMLDesc (kc_dynlib_virt.virDomainGetXMLDesc)
#define virDomainIsActive (kc_dynlib_virt.virDomainIsActive)
#define virDomainStatsRecordListFree (kc_dynlib_virt.virDomainStatsRecordListFree)
#define virEventRegisterDefaultImpl (kc_dynlib_virt.virEventRegisterDefaultImpl)
#define virEventRunDefaultImpl (kc_dynlib_virt.virEventRunDefaultImpl)
#define virGetLastError (kc_dynlib_virt.virGetLastError)
#define virGetLastErrorMessage (kc_dynlib_virt.virGetLastErrorMessage)
#define virInitialize (kc_dynlib_virt.virInitialize)
#define virNetworkFree (kc_dynlib_virt.virNetworkFree)
#define virNetworkGetName (kc_dynlib_virt.virNetworkGetName)
#define virNetworkGetXMLDesc (kc_dynlib_virt.virNetworkGetXMLDesc)
#define virNetworkIsActive (kc_dynlib_virt.virNetworkIsActive)
#define virNodeDeviceFree (kc_dynlib_virt.virNodeDeviceFree)
#define virNodeDeviceGetName (kc_dynlib_virt.virNodeDeviceGetName)
#define virNodeDeviceGetXMLDesc (kc_dynlib_virt.virNodeDeviceGetXMLDesc)
#define virNodeGetCPUStats (kc_dynlib_virt.virNodeGetCPUStats)
#define virNodeGetInfo (kc_dynlib_virt.virNodeGetInfo)
#define virNodeGetMemoryStats (kc_dynlib_virt.virNodeGetMemoryStats)
#define virSetErrorFunc (kc_dynlib_virt.virSetErrorFunc)
#define virStoragePoolFree (kc_dynlib_virt.virStoragePoolFree)
#define virStoragePoolGetName (kc_dynlib_virt.virStoragePoolGetName)
#define virStoragePoolGetXMLDesc (kc_dynlib_virt.virStoragePoolGetXMLDesc)
#define virStoragePoolIsActive (kc_dynlib_virt.virStoragePoolIsActive)
#endif

#endif /* KC_DYNLIB_VIRT_H */

/* SPDX-License-Identifier: MIT */
/* dynlib_xml.h: libxml2's functions as kvmcap calls them, through util/dynlib.c's table. */
#ifndef KC_DYNLIB_XML_H
#define KC_DYNLIB_XML_H

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "util/dynlib.h"

/* Every libxml2 function kvmcap calls (see util/dynlib_virt.h). */
#define KC_XML_FUNCTIONS(X) \
    X(xmlDocGetRootElement) X(xmlFreeDoc) X(xmlGetLastError) X(xmlReadMemory) \
    X(xmlResetLastError) X(xmlXPathEvalExpression) X(xmlXPathFreeContext) \
    X(xmlXPathFreeObject) X(xmlXPathNewContext)

typedef struct kc_dynlib_xml_table {
#define KC_XML_SLOT(name) __typeof__(name) *(name);
    KC_XML_FUNCTIONS(KC_XML_SLOT)
#undef KC_XML_SLOT
} kc_dynlib_xml_table;

extern kc_dynlib_xml_table kc_dynlib_xml;

#ifndef KC_DYNLIB_IMPL
#define xmlDocGetRootElement (kc_dynlib_xml.xmlDocGetRootElement)
#define xmlFreeDoc (kc_dynlib_xml.xmlFreeDoc)
#define xmlGetLastError (kc_dynlib_xml.xmlGetLastError)
#define xmlReadMemory (kc_dynlib_xml.xmlReadMemory)
#define xmlResetLastError (kc_dynlib_xml.xmlResetLastError)
#define xmlXPathEvalExpression (kc_dynlib_xml.xmlXPathEvalExpression)
#define xmlXPathFreeContext (kc_dynlib_xml.xmlXPathFreeContext)
#define xmlXPathFreeObject (kc_dynlib_xml.xmlXPathFreeObject)
#define xmlXPathNewContext (kc_dynlib_xml.xmlXPathNewContext)
#endif

#endif /* KC_DYNLIB_XML_H */

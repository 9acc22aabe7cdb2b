/* SPDX-License-Identifier: MIT */
/* test_cli.c: golden CLI cases (tests/cli/<case>/{args,stdin,stdout,stderr,status}). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <string.h>

#include "helpers.h"

/* One line per case; a directory under tests/cli without a line here fails below. */
#define CLI_CASES(X) \
    X(record_help, "record-help") \
    X(fit_demand_text, "fit-demand-text") \
    X(fit_demand_json, "fit-demand-json") \
    X(err_fit_demand_host, "err-fit-demand-host") \
    X(err_fit_demand_percentile_alone, "err-fit-demand-percentile-alone") \
    X(err_fit_demand_like_unknown, "err-fit-demand-like-unknown") \
    X(demand_text, "demand-text") \
    X(demand_json, "demand-json") \
    X(demand_csv, "demand-csv") \
    X(demand_window, "demand-window") \
    X(rightsize_text, "rightsize-text") \
    X(rightsize_json, "rightsize-json") \
    X(rightsize_csv, "rightsize-csv") \
    X(demand_help, "demand-help") \
    X(rightsize_help, "rightsize-help") \
    X(err_demand_not_recording, "err-demand-not-recording") \
    X(err_demand_missing_file, "err-demand-missing-file") \
    X(err_demand_no_file, "err-demand-no-file") \
    X(err_demand_bad_percentile, "err-demand-bad-percentile") \
    X(err_demand_rightsize_option, "err-demand-rightsize-option") \
    X(err_demand_bad_since, "err-demand-bad-since") \
    X(err_demand_format, "err-demand-format") \
    X(err_record_no_out, "err-record-no-out") \
    X(err_record_bad_interval, "err-record-bad-interval") \
    X(err_prometheus_duplicate_shape, "err-prometheus-duplicate-shape") \
    X(err_bad_timeout, "err-bad-timeout") \
    X(err_short_option_cluster, "err-short-option-cluster") \
    X(size_from_facts_all, "size-from-facts-all") \
    X(size_numa_strict, "size-numa-strict") \
    X(facts_numa_cells_short, "facts-numa-cells-short") \
    X(placed_hugepages_json, "placed-hugepages-json") \
    X(placed_network, "placed-network") \
    X(err_set_numa, "err-set-numa") \
    X(set_overrides_facts, "set-overrides-facts") \
    X(err_fleet_bad_hosts_line, "err-fleet-bad-hosts-line") \
    X(err_fleet_bad_parallel, "err-fleet-bad-parallel") \
    X(err_fleet_bad_sort, "err-fleet-bad-sort") \
    X(err_fleet_duplicate_uri, "err-fleet-duplicate-uri") \
    X(err_fleet_host_option, "err-fleet-host-option") \
    X(err_fleet_no_hosts, "err-fleet-no-hosts") \
    X(err_fleet_strict, "err-fleet-strict") \
    X(fleet_failed_hosts, "fleet-failed-hosts") \
    X(fleet_failed_hosts_json, "fleet-failed-hosts-json") \
    X(fleet_help, "fleet-help") \
    X(fleet_format_csv, "fleet-format-csv") \
    X(fleet_format_csv_no_shapes, "fleet-format-csv-no-shapes") \
    X(fleet_format_prometheus, "fleet-format-prometheus") \
    X(err_fleet_bad_format, "err-fleet-bad-format") \
    X(err_fleet_prometheus_duplicate_shape, "err-fleet-prometheus-duplicate-shape") \
    X(check_fails, "check-fails") \
    X(check_passes, "check-passes") \
    X(err_bad_facts_file, "err-bad-facts-file") \
    X(err_bad_host_key, "err-bad-host-key") \
    X(err_bad_numa, "err-bad-numa") \
    X(err_bad_overcommit, "err-bad-overcommit") \
    X(err_bad_profile, "err-bad-profile") \
    X(err_bad_vm_unit, "err-bad-vm-unit") \
    X(err_missing_facts_file, "err-missing-facts-file") \
    X(err_missing_value, "err-missing-value") \
    X(err_no_vm, "err-no-vm") \
    X(err_overflow, "err-overflow") \
    X(err_placed_too_many, "err-placed-too-many") \
    X(err_size_bad_workload, "err-size-bad-workload") \
    X(err_size_catalog_no_spec, "err-size-catalog-no-spec") \
    X(err_size_no_count, "err-size-no-count") \
    X(err_size_too_big, "err-size-too-big") \
    X(err_two_sources, "err-two-sources") \
    X(err_unknown_command, "err-unknown-command") \
    X(err_unknown_flavor, "err-unknown-flavor") \
    X(err_unknown_option, "err-unknown-option") \
    X(err_zero_vcpus, "err-zero-vcpus") \
    X(facts_file_existing_all, "facts-file-existing-all") \
    X(facts_file_server, "facts-file-server") \
    X(facts_help, "facts-help") \
    X(facts_spec_json, "facts-spec-json") \
    X(flavor, "flavor") \
    X(help, "help") \
    X(hugepages_json, "hugepages-json") \
    X(iscsi_storage, "iscsi-storage") \
    X(mixed_resources, "mixed-resources") \
    X(numa_strict, "numa-strict") \
    X(numa_strict_reserve_cpus, "numa-strict-reserve-cpus") \
    X(numa_strict_placed, "numa-strict-placed") \
    X(numa_strict_too_big_json, "numa-strict-too-big-json") \
    X(size_same_shape_two_names, "size-same-shape-two-names") \
    X(size_numa_strict_hosts_json, "size-numa-strict-hosts-json") \
    X(err_reserve_takes_all_memory, "err-reserve-takes-all-memory") \
    X(err_reserve_cpus_all, "err-reserve-cpus-all") \
    X(err_hugepages_take_all_memory, "err-hugepages-take-all-memory") \
    X(host_over_capacity_warning, "host-over-capacity-warning") \
    X(overcommit_20_json, "overcommit-20-json") \
    X(overcommit_50, "overcommit-50") \
    X(overhead_auto, "overhead-auto") \
    X(placed_first, "placed-first") \
    X(profile_desktop, "profile-desktop") \
    X(profile_server_nat, "profile-server-nat") \
    X(size_catalog_file, "size-catalog-file") \
    X(size_from_facts, "size-from-facts") \
    X(size_help, "size-help") \
    X(size_hosts_json, "size-hosts-json") \
    X(size_mixed, "size-mixed") \
    X(size_workload_file, "size-workload-file") \
    X(too_big, "too-big") \
    X(version, "version") \
    X(worked_example, "worked-example") \
    X(config_err_bad_value, "config-err-bad-value") \
    X(config_err_missing, "config-err-missing") \
    X(config_err_unknown_key, "config-err-unknown-key") \
    X(config_file, "config-file") \
    X(config_json, "config-json") \
    X(config_profile_option, "config-profile-option") \
    X(config_size_catalog, "config-size-catalog") \
    X(config_sweep, "config-sweep") \
    X(format_csv, "format-csv") \
    X(format_err_facts_csv, "format-err-facts-csv") \
    X(format_err_json_conflict, "format-err-json-conflict") \
    X(format_err_sweep_prometheus, "format-err-sweep-prometheus") \
    X(format_err_unknown, "format-err-unknown") \
    X(format_json_synonym, "format-json-synonym") \
    X(format_prometheus, "format-prometheus") \
    X(format_size_csv, "format-size-csv") \
    X(sweep_bottleneck_change, "sweep-bottleneck-change") \
    X(sweep_cpu_ratio_csv, "sweep-cpu-ratio-csv") \
    X(sweep_err_backwards, "sweep-err-backwards") \
    X(sweep_err_bad_range, "sweep-err-bad-range") \
    X(sweep_err_bad_value, "sweep-err-bad-value") \
    X(sweep_err_host_mem_on_fit, "sweep-err-host-mem-on-fit") \
    X(sweep_err_nothing, "sweep-err-nothing") \
    X(sweep_err_too_many_points, "sweep-err-too-many-points") \
    X(sweep_err_two_ranges, "sweep-err-two-ranges") \
    X(sweep_err_two_vms, "sweep-err-two-vms") \
    X(sweep_err_zero_step, "sweep-err-zero-step") \
    X(sweep_help, "sweep-help") \
    X(sweep_host_mem_json, "sweep-host-mem-json") \
    X(sweep_max_util_facts, "sweep-max-util-facts") \
    X(sweep_nic_speed, "sweep-nic-speed") \
    X(sweep_overcommit, "sweep-overcommit") \
    X(sweep_reserve, "sweep-reserve") \
    X(err_opt_facts_existing, "err-opt-facts-existing") \
    X(err_opt_facts_overcommit, "err-opt-facts-overcommit") \
    X(err_opt_fit_quiet, "err-opt-fit-quiet") \
    X(err_opt_fleet_format_bogus, "err-opt-fleet-format-bogus") \
    X(err_opt_set_before_host, "err-opt-set-before-host") \
    X(err_opt_size_facts, "err-opt-size-facts") \
    X(err_opt_size_set, "err-opt-size-set") \
    X(err_opt_size_timeout, "err-opt-size-timeout") \
    X(err_opt_value_before_host, "err-opt-value-before-host") \
    X(err_opt_vm_before_host, "err-opt-vm-before-host") \

#define CLI_TEST(ident, dir) Test(cli, ident) { kc_expect_cli(dir); }
CLI_CASES(CLI_TEST)

Test(cli, every_case_directory_has_a_test)
{
#define CLI_NAME(ident, dir) dir,
    static const char *const names[] = { CLI_CASES(CLI_NAME) };
    DIR *d = opendir("tests/cli");
    struct dirent *e;

    cr_assert(d, "run from the source tree");
    while ((e = readdir(d)) != NULL) {
        bool found = false;

        if (e->d_name[0] == '.')
            continue;
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            found = found || strcmp(names[i], e->d_name) == 0;
        cr_expect(found, "tests/cli/%s has no Test line in test_cli.c", e->d_name);
    }
    closedir(d);
}

# SPDX-License-Identifier: Apache-2.0
# mk/bench.mk — `make bench`: berth vs crun vs runc on the same bundle.
#
#   make bench                      all three runtimes on this host, N=100
#   make bench QUICK=1              a smoke run (a few rounds of each test)
#   make bench N=50 RUNTIMES="crun runc" BERTH=/path/to/berth
#   make bench TESTS="run exec"     a subset of: run life exec par ctr
#   make bench-vm                   the same inside the pure cgroup v2 VM, then the
#                                   `run` row with systemd as PID 1 and every runtime
#                                   on its systemd cgroup driver (VM_SYSTEMD=0|only)
#   make bench-profile              strace/perf of one `run` (PROFILE_RUNTIME=berth)
#   make order                      mk/berth.order from perf samples of berth's starts
#                                   (ORDER_ROUNDS, default 600), then berth linked with it
#
# Tables and raw samples land in bench/results/<date>-<label>.txt.

BENCH_DRIVER := $(BUILD)/bench/driver
BENCH_ARGS = $(if $(N),-n $(N)) $(if $(filter 1 yes,$(QUICK)),--quick) \
	$(if $(RUNTIMES),--runtimes "$(RUNTIMES)") $(if $(TESTS),--tests "$(TESTS)")
BENCH_ENV = BENCH_DRIVER=$(BENCH_DRIVER) $(if $(BERTH),BERTH=$(BERTH))

# Build ./berth first when it is one of the runtimes, no BERTH was given and
# the CLI sources exist.
BENCH_WANTS_BERTH := $(if $(RUNTIMES),$(filter berth,$(RUNTIMES)),berth)
BENCH_BERTH_DEP := $(if $(and $(BENCH_WANTS_BERTH),$(CMD_SRCS),$(if $(BERTH),,1)),$(BIN))

$(BENCH_DRIVER): bench/driver.c $(BUILD)/flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

.PHONY: bench bench-vm bench-profile order
bench: $(BENCH_DRIVER) $(BENCH_BERTH_DEP)
	$(BENCH_ENV) bench/run.sh $(BENCH_ARGS)

bench-vm: $(BENCH_DRIVER) $(BENCH_BERTH_DEP)
	$(BENCH_ENV) bench/vm.sh $(BENCH_ARGS)

bench-profile: $(BENCH_BERTH_DEP)
	$(if $(BERTH),BERTH=$(BERTH)) bench/profile.sh $(or $(PROFILE_RUNTIME),berth)

order: $(BIN)
	$(if $(BERTH),BERTH=$(BERTH)) bench/order.sh $(if $(ORDER_ROUNDS),-n $(ORDER_ROUNDS))
	$(MAKE) $(BIN)

# SPDX-License-Identifier: Apache-2.0
# ---- client tests: containerd (ctr), containerd CRI, podman, docker ------
#
#   make test-clients                        against ./berth (built first)
#   make test-clients RUNTIME=/usr/sbin/runc against another runtime
#   make test-clients-argv                   the same, and record every
#                                            runtime argv the clients send
# Each suite starts its own private daemons under /tmp and removes them.
# Needs root, containerd, podman, docker.io, bats, node/npm (make deps).

CLIENTS_RUNTIME = $(if $(RUNTIME),$(abspath $(RUNTIME)),$(CURDIR)/$(BIN))
CLIENTS_SUITES ?= containerd cri podman docker
CLIENTS_ARGV_FILE ?= $(CURDIR)/tests/.cache/clients/argv.log

.PHONY: test-clients test-clients-argv
test-clients: $(if $(RUNTIME),,$(BIN))
	RUNTIME='$(CLIENTS_RUNTIME)' tests/clients/run.sh \
		$(CLIENTS_SUITES:%=tests/clients/%.bats)

test-clients-argv: $(if $(RUNTIME),,$(BIN))
	@mkdir -p $(dir $(CLIENTS_ARGV_FILE))
	@: > $(CLIENTS_ARGV_FILE)
	CLIENTS_ARGV_LOG='$(CLIENTS_ARGV_FILE)' RUNTIME='$(CLIENTS_RUNTIME)' \
		tests/clients/run.sh $(CLIENTS_SUITES:%=tests/clients/%.bats)
	@echo "runtime invocations: $(CLIENTS_ARGV_FILE)"

# SPDX-License-Identifier: Apache-2.0
# mk/lint.mk — `make lint`: clang-format, cppcheck, shellcheck, berth's rules
.PHONY: lint
lint:
	scripts/lint.sh

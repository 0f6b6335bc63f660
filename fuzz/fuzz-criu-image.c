/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-criu-image.c — libFuzzer target: berth's own records in a
 * checkpoint's image dir (runtime/criu_image.c), which may come from
 * another host.  Whatever comes in: an address accepted is empty or an
 * IPv4 address that prints back the same, NUL-terminated, and a refusal
 * leaves it empty with a message; a namespace inode matches only the
 * number the text spells; descriptors.json (spec/state.c) gives three
 * names or a message naming the file.  */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/criu.h"
#include "spec/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_address(const char *text, size_t size)
{
	char out[CRIU_ADDR_LEN];
	struct error *err = NULL;
	struct in_addr a;

	if (criu_image_address(text, size, out, &err) < 0) {
		if (err == NULL || err->msg == NULL || out[0] != '\0')
			abort();
		error_free(err);
		return;
	}
	if (memchr(out, '\0', sizeof(out)) == NULL)
		abort();
	if (out[0] != '\0' && inet_pton(AF_INET, out, &a) != 1)
		abort();
	if (strncmp(out, text, strlen(out)) != 0)
		abort();
}

static void check_netns(const char *text, size_t size)
{
	char spelled[32];
	unsigned long long v = 0;

	if (size > 0 && size < sizeof(spelled)) {
		memcpy(spelled, text, size);
		spelled[size] = '\0';
		v = strtoull(spelled, NULL, 10);
	}
	if (criu_image_netns_is(text, size, v)) {
		/* a match is the number spelled in plain digits, one line */
		snprintf(spelled, sizeof(spelled), "%llu", v);
		if (size < strlen(spelled) || memcmp(text, spelled, strlen(spelled)) != 0)
			abort();
	}
	if (criu_image_netns_is(text, size, v + 1) && criu_image_netns_is(text, size, v))
		abort();
}

static void check_descriptors(const char *text, size_t size)
{
	char *names[3] = {NULL, NULL, NULL};
	struct error *err = NULL;

	if (spec_descriptors_parse(text, size, names, &err) < 0) {
		if (err == NULL || strstr(err->msg, "descriptors.json") == NULL ||
		    names[0] != NULL || names[1] != NULL || names[2] != NULL)
			abort();
		error_free(err);
		return;
	}
	for (int i = 0; i < 3; i++) {
		if (names[i] == NULL)
			abort();
		free(names[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_descriptors((const char *)data, size);
	check_address((const char *)data, size);
	check_netns((const char *)data, size);
	return 0;
}

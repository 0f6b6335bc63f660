/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/image.c — `berth image ls|prune`: the cache of unpacked image
 * layers (image/image.h); and the sandbox's --image references turned
 * into layers and the image config's defaults (cmd_sandbox_images).  */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/mem.h"
#include "image/image.h"
#include "runtime/sandbox.h"

static const char image_help[] =
	"  ls                       the cached layers, their size, whether "
	"in use\n"
	"  prune                    remove every layer no job is using\n";

static void human(uint64_t b, char *out, size_t len)
{
	static const char *const unit[] = {"B", "kB", "MB", "GB", "TB"};
	double v = (double)b;
	size_t u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	snprintf(out, len, u ? "%.1f%s" : "%.0f%s", v, unit[u]);
}

static int image_ls(struct cmd_ctx *ctx, struct error **err)
{
	struct image_layer_info *l;
	size_t n;
	char size[32];

	if (image_list(ctx->g.rootless, &l, &n, err) < 0)
		return -1;
	printf("%-71s  %8s  %s\n", "LAYER", "SIZE", "IN USE");
	for (size_t i = 0; i < n; i++) {
		human(l[i].bytes, size, sizeof(size));
		printf("sha256:%s  %8s  %s\n", l[i].hex, size, l[i].in_use ? "yes" : "no");
	}
	free(l);
	return 0;
}

static int image_prune_cmd(struct cmd_ctx *ctx, struct error **err)
{
	uint64_t freed;
	size_t removed;
	char size[32];

	if (image_prune(ctx->g.rootless, &freed, &removed, err) < 0)
		return -1;
	human(freed, size, sizeof(size));
	printf("Deleted layers: %zu\nTotal reclaimed space: %s\n", removed, size);
	return 0;
}

int cmd_image(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (sub != NULL && (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0))
		return cmd_help(ctx, image_help);
	if (sub != NULL && (strcmp(sub, "ls") == 0 || strcmp(sub, "list") == 0) && argc == 2)
		return image_ls(ctx, err);
	if (sub != NULL && strcmp(sub, "prune") == 0 && argc == 2)
		return image_prune_cmd(ctx, err);
	return cmd_usage(ctx, err, "expected ls or prune");
}

/* ---- the sandbox's images ------------------------------------------------ */

/* Each --image that names an image becomes its layers, in place; the
 * topmost image's config gives the defaults the other flags override.  */
int cmd_sandbox_images(struct cmd_ctx *ctx, struct cmd_sandbox_images *si,
		       struct rt_sandbox_opts *o, struct error **err)
{
	struct image *top = NULL;
	size_t n = 0;

	si->imgs = xcalloc(strv_len(o->layers) + 1, sizeof(struct image));
	for (char **l = o->layers; l && *l; l++) {
		if (!image_ref_is(*l)) {
			si->layers = xreallocarray(si->layers, n + 2, sizeof(char *));
			si->layers[n++] = xstrdup(*l);
			si->layers[n] = NULL;
			continue;
		}
		top = &si->imgs[si->n_imgs++];
		if (image_open("--image", *l, ctx->g.rootless, top, err) < 0)
			return -1;
		for (char **d = top->layers; *d; d++) {
			si->layers = xreallocarray(si->layers, n + 2, sizeof(char *));
			si->layers[n++] = xstrdup(*d);
			si->layers[n] = NULL;
		}
	}
	o->layers = si->layers;
	/* --user's names are the image's own, whatever its layers are */
	if (si->user != NULL) {
		if (image_user_lookup(si->layers, si->user, "--user", true, &o->uid, &o->gid,
				      &si->home, err) < 0)
			return -1;
		o->has_user = true;
		o->home = si->home;
	}
	if (top == NULL && si->entrypoint != NULL)
		return error_set(err, 0, "--entrypoint: needs an image (--image oci:..., ...)");
	if (top == NULL)
		return 0;
	si->args = image_job_args(top, o->args, si->entrypoint, err);
	if (si->args == NULL)
		return -1;
	o->args = si->args;
	si->env = image_job_env(top, o->env);
	o->env = si->env;
	if (o->workdir == NULL)
		o->workdir = top->workdir;
	if (!o->has_user && top->user != NULL && top->user[0] != '\0') {
		if (image_job_user(top, &o->uid, &o->gid, &si->home, err) < 0)
			return -1;
		o->has_user = true;
		o->home = si->home;
	}
	return 0;
}

void cmd_sandbox_images_free(struct cmd_sandbox_images *si)
{
	for (size_t i = 0; i < si->n_imgs; i++)
		image_release(&si->imgs[i]);
	free(si->imgs);
	strv_free(si->layers);
	strv_free(si->args);
	strv_free(si->env);
	free(si->home);
}

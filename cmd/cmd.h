/* cmd/cmd.h — the command line: one table of verbs, one file per verb.
 *
 * Each verb parses its own flags with getopt_long (both "--flag value"
 * and "--flag=value"), calls runtime/ and returns the exit status; on an
 * error it fills *err and returns -1, and only main() prints it.  */
#ifndef BERTH_CMD_CMD_H
#define BERTH_CMD_CMD_H

#include <stdbool.h>

#include "core/error.h"
#include "runtime/runtime.h"

struct cmd_ctx {
	struct rt_global g;
	const char *verb;
};

struct cmd {
	const char *name;
	int (*run)(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
	const char *args; /* usage after the verb */
	const char *summary;
};

#define CMD_DECLARE(name)                                                                          \
	int cmd_##name(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)

CMD_DECLARE(create);
CMD_DECLARE(start);
CMD_DECLARE(run);
CMD_DECLARE(state);
CMD_DECLARE(kill);
CMD_DECLARE(delete);
CMD_DECLARE(list);
CMD_DECLARE(spec);
CMD_DECLARE(exec);
CMD_DECLARE(ps);
CMD_DECLARE(pause);
CMD_DECLARE(resume);
CMD_DECLARE(update);
CMD_DECLARE(events);
CMD_DECLARE(features);
CMD_DECLARE(sandbox);

/* usage error for the verb: "create: <text> (see 'berth create --help')" */
int cmd_usage(struct cmd_ctx *ctx, struct error **err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* print the verb's usage and options; returns 0 */
int cmd_help(struct cmd_ctx *ctx, const char *options);

/* exactly one positional argument (the container id) after the flags */
int cmd_one_id(struct cmd_ctx *ctx, int argc, char **argv, const char **id, struct error **err);

/* "--bundle" made absolute (default: the current directory) */
char *cmd_abs_path(const char *path);

/* "64m", "1g", "1024" -> bytes; "-1" -> -1 */
int cmd_parse_size(const char *s, long long *out);

/* non-negative int option value */
int cmd_parse_int(struct cmd_ctx *ctx, const char *opt, const char *s, int *out,
		  struct error **err);

#endif

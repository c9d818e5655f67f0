// SPDX-License-Identifier: GPL-2.0
/*
 * --config FILE: one long option per line, as --NAME VALUE, read before
 * the command line so that it overrides them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/base/caps.h"
#include "user/base/log.h"
#include "user/cli/options.h"

/* A config file larger than this is not one. */
#define CONFIG_MAX (1024 * 1024)

/*
 * The values a config file gave, which the options point into: kept until
 * the next file is read (one per run; the unit tests read many).
 */
static char *kept[256];
static unsigned int n_kept;

static const char *keep(const char *v)
{
	if (n_kept == sizeof(kept) / sizeof(kept[0]))
		return NULL;
	return kept[n_kept++] = strdup(v);
}

/* "NAME VALUE", "NAME=VALUE" or "NAME": one option, as --NAME VALUE. */
static int config_line(struct xs_options *o, char *line)
{
	char *name = line + strspn(line, " \t"), *val, *end;
	const struct xs_opt *d;

	for (end = name + strlen(name); end > name && strchr(" \t\r\n", end[-1]);)
		*--end = '\0';
	val = name + strcspn(name, " \t=");
	if (*val) {
		*val++ = '\0';
		val += strspn(val, " \t=");
	}
	d = xs_opt_find(name);
	if (!d || !strcmp(d->name, "config"))
		return xs_bad_value("option", name, d ? "a config file cannot name another" :
				    "no such long option");
	if (!d->arg != !*val)
		return xs_bad_value("option", name, d->arg ? "needs a value" :
				    "takes no value");
	if (d->arg && !(val = (char *)keep(val)))
		return xs_bad_value("option", name, "too many lines");
	return d->parse(o, d, d->arg ? val : NULL);
}

/*
 * --config FILE: its options first, so that the command line overrides.
 * Read with the user's rights, a regular file of at most CONFIG_MAX bytes.
 */
int xs_options_read_file(struct xs_options *o, const char *path)
{
	char *all = xs_user_read(path, CONFIG_MAX, "config file");
	char *line, *next, where[300];
	unsigned int n = 0;
	int err = 0;

	if (!all)
		return -EINVAL;
	while (n_kept)
		free(kept[--n_kept]);
	o->in_config = true;
	for (line = all; !err && line; line = next) {
		char *hash;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		n++;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		if (line[strspn(line, " \t\r")] == '\0')
			continue;
		snprintf(where, sizeof(where), "%.200s:%u: ", path, n);
		xs_log_context(where);
		err = config_line(o, line);
		xs_log_context(NULL);
	}
	free(all);
	o->in_config = false;
	o->ifaces_from_config = o->n_ifaces > 0;
	return err;
}


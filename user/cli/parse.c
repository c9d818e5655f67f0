// SPDX-License-Identifier: GPL-2.0
/*
 * The command line read: the defaults, then --config FILE (optfile.c),
 * then getopt over the table (options.c), then the checks across options
 * (optcheck.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/base/log.h"
#include "user/cli/options.h"

/* One rate of -N's list: 1..2^32-1, decimal, or N/Gbps (per_gbps). */
static int one_rate(const char *what, const char *s, uint32_t *out,
		    bool *per_gbps)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return xs_bad_value(what, s, "not a number");
	v = strtoull(s, &end, 10);
	*per_gbps = !strcmp(end, "/Gbps");
	if ((*end && !*per_gbps) || !v || v > UINT32_MAX)
		return xs_bad_value(what, s, "must be 1..4294967295, or N/Gbps");
	*out = (uint32_t)v;
	return 0;
}

/* -N N/Gbps: every interface no rule names, as a last rule. */
static int default_rule(struct xs_options *o, const char *what,
			const char *arg, uint32_t rate)
{
	if (o->n_rates == XS_MAX_RATE_RULES)
		return xs_bad_value(what, arg, "too many rules");
	o->rates[o->n_rates++] = (struct xs_rate_rule){ "*", rate, true };
	return 0;
}

int xs_parse_rates(struct xs_options *o, const char *what, const char *arg)
{
	char buf[4096], *item, *save = NULL, *eq;
	bool dflt = false, gbps = false;
	struct xs_rate_rule *r;
	uint32_t per_gbps = 0;

	if (strlen(arg) >= sizeof(buf))
		return xs_bad_value(what, arg, "too long");
	strcpy(buf, arg);
	o->n_rates = 0;
	o->rate = 1;
	o->rate_arg = arg;
	for (item = strtok_r(buf, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		eq = strchr(item, '=');
		if (!eq) {
			if (dflt)
				return xs_bad_value(what, arg, "two rates for the other interfaces");
			dflt = true;
			if (one_rate(what, item, &o->rate, &gbps))
				return -EINVAL;
			per_gbps = gbps ? o->rate : 0;
			o->rate = gbps ? 1 : o->rate;
			continue;
		}
		*eq = '\0';
		if (!*item || eq - item >= 64 || o->n_rates == XS_MAX_RATE_RULES)
			return xs_bad_value(what, arg, "bad IFACE=N rule");
		strcpy(o->rate_patterns[o->n_rates], item);
		r = &o->rates[o->n_rates];
		r->pattern = o->rate_patterns[o->n_rates++];
		if (one_rate(what, eq + 1, &r->rate, &r->per_gbps))
			return -EINVAL;
	}
	if (per_gbps && default_rule(o, what, arg, per_gbps))
		return -EINVAL;
	return o->n_rates || dflt ? 0 : xs_bad_value(what, arg, "no rate");
}

/* getopt_long's two tables, from the one above. */
static void getopt_tables(struct option *longs, char *shorts)
{
	*shorts++ = ':';	/* a missing value is told apart */
	for (size_t i = 0; i < xs_n_opts; i++) {
		longs[i] = (struct option){
			xs_opts[i].name,
			xs_opts[i].arg ? required_argument : no_argument,
			NULL, xs_opts[i].key,
		};
		if (xs_opts[i].key >= 256)
			continue;
		*shorts++ = (char)xs_opts[i].key;
		if (xs_opts[i].arg)
			*shorts++ = ':';
	}
	longs[xs_n_opts] = (struct option){ 0 };
	*shorts = '\0';
}

/*
 * The option getopt stopped at, as the user wrote it: a long one from argv,
 * a short one by its letter, which may sit in a bundle ('-nn').
 */
static const char *offending(char **argv, char *buf, size_t len)
{
	const char *w = argv[optind - 1];

	if (!strncmp(w, "--", 2) || optopt <= 0 || optopt >= 256)
		return w;
	snprintf(buf, len, "-%c", optopt);
	return buf;
}

static const struct xs_opt *find_opt(int key)
{
	for (size_t i = 0; i < xs_n_opts; i++)
		if (xs_opts[i].key == key)
			return &xs_opts[i];
	return NULL;
}

/* The --config FILE of argv, if any (before getopt, which sees it again). */
static const char *config_of(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			return argv[i + 1];
		if (!strncmp(argv[i], "--config=", 9))
			return argv[i] + 9;
	}
	return NULL;
}

int xs_options_parse(struct xs_options *o, int argc, char **argv)
{
	struct option longs[xs_n_opts + 1];
	char shorts[2 * xs_n_opts + 2];
	const struct xs_opt *d;
	char word[8];
	int c, err;

	xs_options_defaults(o);
	o->config = config_of(argc, argv);
	if (o->config && xs_options_read_file(o, o->config))
		return -EINVAL;
	getopt_tables(longs, shorts);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c == ':') {
			pr_err("option '%s' needs a value",
			       offending(argv, word, sizeof(word)));
			return -EINVAL;
		}
		d = find_opt(c);
		if (!d) {
			pr_err("unknown option '%s' (see --help)",
			       offending(argv, word, sizeof(word)));
			return -EINVAL;
		}
		err = d->parse(o, d, optarg);
		if (err)
			return err;
	}
	return xs_options_check(o, argc, argv);
}

const struct xs_opt *xs_opt_find(const char *name)
{
	for (size_t i = 0; i < xs_n_opts; i++)
		if (!strcmp(xs_opts[i].name, name))
			return &xs_opts[i];
	return NULL;
}

int xs_parse_list(const char **list, unsigned int *n, unsigned int max,
		  const char *what, const char *arg)
{
	if (*n == max)
		return xs_bad_value(what, arg, "given too many times");
	for (unsigned int i = 0; i < *n; i++)
		if (!strcmp(list[i], arg))
			return xs_bad_value(what, arg, "given twice");
	list[(*n)++] = arg;
	return 0;
}

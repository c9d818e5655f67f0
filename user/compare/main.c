// SPDX-License-Identifier: GPL-2.0
/*
 * xdpsample-compare A.pcapng B.pcapng: two captures of one path taken with
 * --sample packet and one --seed, matched packet by packet. Exit 0: every
 * packet chosen at one point was seen at the other; 1: some were not;
 * 2: a usage error or a file that cannot be compared.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "user/base/log.h"
#include "user/base/version.h"
#include "user/compare/compare.h"

static void usage(FILE *to)
{
	fprintf(to,
		"usage: xdpsample-compare [--json] [--list] A.pcapng B.pcapng\n"
		"  A, B     captures of one path, A upstream of B, written with\n"
		"           xdpsample --sample packet and one --seed (plain or .gz)\n"
		"  --json   the result as JSON\n"
		"  --list   every packet seen at one point only\n"
		"exit: 0 nothing seen at one point only, 1 some, 2 trouble\n");
}

static int parse(struct xs_cmp *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	int o;

	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (o == 'j' || o == 'l') {
			*(o == 'j' ? &c->json : &c->list) = true;
		} else if (o == 'h' || o == 'V') {
			if (o == 'h')
				usage(stdout);
			else
				printf("xdpsample-compare %s\n", XS_VERSION);
			return 1;
		} else {
			return -EINVAL;
		}
	}
	if (argc - optind != 2) {
		pr_err("two files to compare, A then B (--help)");
		return -EINVAL;
	}
	c->a.path = argv[optind];
	c->b.path = argv[optind + 1];
	return 0;
}

/* Files that cannot be compared: said once. */
static int comparable(const struct xs_cmp *c)
{
	if (!c->a.n && !c->b.n) {
		pr_err("no packet in '%s' or '%s' has a label: write them with xdpsample --sample packet",
		       c->a.path, c->b.path);
		return -EINVAL;
	}
	if (c->a.seed_known && c->b.seed_known && c->a.seed != c->b.seed) {
		pr_err("'%s' and '%s' were sampled with different seeds (0x%016" PRIx64 ", 0x%016" PRIx64 "): no packet can match",
		       c->a.path, c->b.path, c->a.seed, c->b.seed);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct xs_cmp c = { 0 };
	int err, rc = 2;

	xs_log_prog("xdpsample-compare");
	xs_log_init(XS_LOG_INFO);
	err = parse(&c, argc, argv);
	if (err)
		return err > 0 ? 0 : 2;
	if (xs_cmp_load(&c.a) || xs_cmp_load(&c.b) || comparable(&c) ||
	    xs_cmp_match(&c))
		goto out;
	xs_cmp_report(&c);
	rc = 0;
	for (int d = 0; d < XS_CMP_DIRS; d++)
		if (c.way[d].only_a || c.way[d].only_b)
			rc = 1;
	if (fflush(stdout) || ferror(stdout)) {
		pr_errno(-errno, "cannot write the result");
		rc = 2;
	}
out:
	xs_cmp_free(&c);
	return rc;
}

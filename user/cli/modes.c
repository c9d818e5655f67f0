// SPDX-License-Identifier: GPL-2.0
/* --dump-filter and --cleanup: the same steps as a capture, then out. */
#include <errno.h>
#include <stdio.h>

#include "user/base/log.h"
#include "user/capture/netdev.h"
#include "user/capture/owner.h"
#include "user/cli/exit.h"
#include "user/cli/modes.h"

static int dump_one(const struct xs_config *c, const struct xs_filter *f,
		    const struct xs_iface *a)
{
	struct xs_prog_cfg cfg = c->prog;

	cfg.filter = f;
	if (a)
		printf("; interface '%s': %s\n", a->name,
		       xs_linktype_name(a->linktype));
	return xs_loader_print_filter(&cfg, stdout) ? XS_EXIT_RUNTIME :
						      XS_EXIT_OK;
}

int xs_mode_dump_filter(const struct xs_config *c)
{
	struct xs_filter f[XS_MAX_IFACE_ARGS] = { 0 };
	struct xs_ifaces ifs = { 0 };
	int err, code = XS_EXIT_OK;

	if (!c->n_ifaces) {
		if (xs_filter_build(&f[0], c->filter_expr, c->prog.snaplen,
				    XS_FILTER_ETHERNET))
			return XS_EXIT_USAGE;
		code = dump_one(c, &f[0], NULL);
		xs_filter_free(&f[0]);
		return code;
	}
	err = xs_ifaces_init(&ifs) ?:
	      xs_ifaces_open(&ifs, c->netns, c->ifnames, c->n_ifaces);
	if (err) {
		xs_ifaces_free(&ifs);
		return err == -EINVAL ? XS_EXIT_USAGE : XS_EXIT_RUNTIME;
	}
	if (xs_filters_build(f, &ifs, c->filter_expr, c->prog.snaplen))
		code = XS_EXIT_USAGE;
	for (unsigned int i = 0; code == XS_EXIT_OK && i < ifs.n; i++)
		code = dump_one(c, &f[i], &ifs.at[i]);
	for (unsigned int i = 0; i < ifs.n; i++)
		xs_filter_free(&f[i]);
	xs_ifaces_free(&ifs);
	return code;
}

int xs_mode_cleanup(const struct xs_config *c)
{
	struct xs_ifaces ifs = { 0 };
	int code = XS_EXIT_OK;

	if (c->follows) {
		pr_err("--cleanup takes interface names, not patterns, any or several namespaces");
		return XS_EXIT_USAGE;
	}
	if (xs_ifaces_init(&ifs) ||
	    xs_ifaces_open(&ifs, c->netns, c->ifnames, c->n_ifaces) ||
	    xs_ensure_bpffs() || xs_owner_cleanup_all(&ifs))
		code = XS_EXIT_RUNTIME;
	xs_ifaces_free(&ifs);
	return code;
}

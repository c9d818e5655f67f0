// SPDX-License-Identifier: GPL-2.0
/*
 * The extcap calls as Wireshark/tshark 4.0 make them. Queries are answered
 * at once, with no root and no BPF (Wireshark asks for the interfaces at
 * every start and waits); a --capture call becomes the command line it
 * stands for and runs like any other capture, so every check, message and
 * guarantee is the CLI's.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "user/capture/netdev.h"
#include "user/base/log.h"
#include "user/cli/config.h"
#include "user/cli/extcap.h"
#include "user/filter/filter.h"

enum query { Q_NONE, Q_INTERFACES, Q_DLTS, Q_CONFIG, Q_CAPTURE };

struct call {
	enum query q;
	const char *iface;	/* without the prefix */
	const char *fifo;
	const char *filter;	/* NULL: none given */
	char **rest;		/* our own options (--rate 100 ...) */
	int n_rest;
};

/* Those that take a value, as Wireshark passes them (--x V or --x=V). */
static const char *const with_value[] = {
	"--extcap-interface", "--fifo", "--extcap-capture-filter",
	"--extcap-version", "--debug-file", "--extcap-control-in",
	"--extcap-control-out", "--extcap-reload-option",
};

bool xs_extcap_call(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], "--extcap-", 9) ||
		    !strcmp(argv[i], "--capture") ||
		    !strncmp(argv[i], "--fifo", 6))
			return true;
	return false;
}

/* --name V or --name=V: the value, or NULL when argv[*i] is not --name. */
static const char *value_of(const char *name, int argc, char **argv, int *i)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] || *i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

/* One of the extcap arguments that carry a value: taken, true. */
static bool take_value(struct call *c, int argc, char **argv, int *i)
{
	const char *v;

	for (size_t k = 0; k < sizeof(with_value) / sizeof(*with_value); k++) {
		v = value_of(with_value[k], argc, argv, i);
		if (!v)
			continue;
		if (k == 0)
			c->iface = v;
		else if (k == 1)
			c->fifo = v;
		else if (k == 2)
			c->filter = v;
		return true;	/* the others: nothing for us to do */
	}
	return false;
}

static int parse(struct call *c, int argc, char **argv)
{
	static const char *const queries[] = {
		[Q_INTERFACES] = "--extcap-interfaces", [Q_DLTS] = "--extcap-dlts",
		[Q_CONFIG] = "--extcap-config", [Q_CAPTURE] = "--capture",
	};

	c->rest = calloc(argc + 1, sizeof(*c->rest));
	if (!c->rest)
		return -ENOMEM;
	for (int i = 1; i < argc; i++) {
		enum query q = Q_NONE;

		for (int k = Q_INTERFACES; k <= Q_CAPTURE; k++)
			if (!strcmp(argv[i], queries[k]))
				q = k;
		if (q != Q_NONE)
			c->q = q;
		else if (strcmp(argv[i], "--debug") &&
			 !take_value(c, argc, argv, &i))
			c->rest[c->n_rest++] = argv[i];	/* --rate 100 */
	}
	return 0;
}

/* What the list says of a device whose frames we cannot write. */
static const char *unsupported(unsigned int ifindex)
{
	struct xs_link l;

	return !xs_iface_link(ifindex, &l) && !xs_linktype_of(l.type) ?
		" (neither Ethernet nor IP: not supported)" : "";
}

static int interfaces(void)
{
	struct if_nameindex *all = if_nameindex(), *i;

	printf("extcap {version=" XS_VERSION "}{help=man:xdpsample(8)}\n");
	for (i = all; i && i->if_index; i++)
		printf("interface {value=" XS_EXTCAP_PREFIX "%s}{display=XDP sampler: %s%s}\n",
		       i->if_name, i->if_name, unsupported(i->if_index));
	if (all)
		if_freenameindex(all);
	return 0;
}

/* A help text as one line: a tooltip. */
static void tooltip(const char *help)
{
	for (; *help; help++)
		putchar(*help == '\n' ? ' ' : *help);
}

/* A selector: its words, the default marked. */
static void selector(unsigned int n, const struct xs_opt *d, uint64_t dflt)
{
	printf("{type=selector}{tooltip=");
	tooltip(d->help);
	printf("}\n");
	for (unsigned int w = 0; w < d->n_words; w++)
		printf("value {arg=%u}{value=%s}{display=%s}{default=%s}\n", n,
		       d->words[w], d->word_labels[w],
		       dflt == d->min + w ? "true" : "false");
}

/*
 * The options the table offers Wireshark, with the parser's ranges and
 * defaults: a number, or a selector of words.
 */
static int config(void)
{
	struct xs_options dflt;
	unsigned int n = 0;

	xs_options_defaults(&dflt);
	dflt.buffer_kib = xs_default_buffer_kib();
	for (size_t i = 0; i < xs_n_opts; i++) {
		const struct xs_opt *d = &xs_opts[i];
		uint64_t v = xs_opt_value(&dflt, d);

		if (!d->extcap)
			continue;
		printf("arg {number=%u}{call=--%s}{display=%s}", n, d->name,
		       d->extcap);
		if (d->words) {
			selector(n++, d, v);
			continue;
		}
		printf("{type=unsigned}{range=%llu,%llu}{default=%llu}{tooltip=",
		       (unsigned long long)d->min, (unsigned long long)d->max,
		       (unsigned long long)v);
		tooltip(d->help);
		printf("}\n");
		n++;
	}
	return 0;
}

/* The interface's link type and netmask: 0, or 1 with the reason said. */
static int describe(struct xs_iface *f, const char *name)
{
	int ifindex = xs_iface_resolve(name, NULL);

	if (ifindex < 0)
		return 1;
	f->name = name;
	f->ifindex = (uint32_t)ifindex;
	return xs_iface_describe(f) ? 1 : 0;
}

/* The one link type the interface's frames have. */
static int dlts(const char *name)
{
	struct xs_iface f;

	if (describe(&f, name))
		return 1;
	if (f.linktype == XS_LINKTYPE_RAW)
		printf("dlt {number=12}{name=RAW}{display=Raw IP}\n");
	else
		printf("dlt {number=1}{name=EN10MB}{display=Ethernet}\n");
	return 0;
}

/*
 * Wireshark's filter check, for the interface's link type and netmask:
 * nothing said is valid, else the reason.
 */
static int check_filter(const char *name, const char *expr)
{
	struct xs_iface f;
	char msg[512];

	if (describe(&f, name))
		return 1;
	if (*expr &&
	    xs_filter_check(expr, XS_DEFAULT_SNAPLEN,
			    (struct xs_filter_link){
				    xs_linktype_dlt(f.linktype), f.netmask,
				    NULL },
			    msg, sizeof(msg)))
		printf("%s\n", msg);
	return 0;
}

void xs_extcap_unblock(const char *fifo)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	struct stat st;
	int fd = -1;

	if (!fifo || stat(fifo, &st) || !S_ISFIFO(st.st_mode))
		return;
	/* No reader yet (ENXIO): it is on its way; 2 s at the most. */
	for (int i = 0; i < 200 && fd < 0; i++) {
		fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0 && errno != ENXIO)
			return;
		if (fd < 0)
			nanosleep(&tick, NULL);
	}
	if (fd >= 0)
		close(fd);
}

/* The command line a capture call stands for; it lives as long as we do. */
static int capture(struct xs_options *o, const struct call *c)
{
	static const char *const fixed[] = {
		"xdpsample", "--format", "pcapng", "-U", "-q",
	};
	char **av = calloc(16 + c->n_rest, sizeof(*av));
	int n = 0;

	if (!c->fifo) {
		pr_err("--capture needs --fifo");
		return 1;
	}
	if (!av)
		return 1;
	for (size_t k = 0; k < sizeof(fixed) / sizeof(*fixed); k++)
		av[n++] = (char *)fixed[k];
	av[n++] = "-i";
	av[n++] = (char *)c->iface;
	av[n++] = "-w";
	av[n++] = (char *)c->fifo;
	for (int k = 0; k < c->n_rest; k++)
		av[n++] = c->rest[k];
	if (c->filter && *c->filter) {
		av[n++] = "--";
		av[n++] = (char *)c->filter;
	}
	if (xs_options_parse(o, n, av)) {
		xs_extcap_unblock(c->fifo);
		return 1;
	}
	o->extcap = true;
	return -1;
}

int xs_extcap_run(struct xs_options *o, int argc, char **argv)
{
	struct call c = { 0 };
	size_t plen = strlen(XS_EXTCAP_PREFIX);

	if (parse(&c, argc, argv))
		return 1;
	if (c.q == Q_INTERFACES)
		return interfaces();
	if (!c.iface || strncmp(c.iface, XS_EXTCAP_PREFIX, plen) ||
	    !c.iface[plen]) {
		pr_err("no xdpsample extcap interface given (--extcap-interface " XS_EXTCAP_PREFIX "IFACE)");
		return 1;
	}
	c.iface += plen;
	switch (c.q) {
	case Q_DLTS:
		return dlts(c.iface);
	case Q_CONFIG:
		return config();
	case Q_CAPTURE:
		return capture(o, &c);
	default:
		if (c.filter)
			return check_filter(c.iface, c.filter);
		pr_err("an extcap call needs --extcap-dlts, --extcap-config, --capture or --extcap-capture-filter");
		return 1;
	}
}

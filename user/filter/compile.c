// SPDX-License-Identifier: GPL-2.0
/* Filter expressions in: joined from argv or read from -F FILE, compiled. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "user/base/caps.h"
#include "user/base/log.h"
#include "user/filter/filter.h"

_Static_assert(sizeof(struct xs_cbpf_insn) == sizeof(struct bpf_insn),
	       "classic BPF instruction layout");

char *xs_filter_join(int argc, char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	if (!s)
		return NULL;
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* tcpdump -F: the file's lines, '#' to end of line is a comment. */
/* A filter file larger than this is not one (tcpdump -F reads no more). */
#define FILTER_FILE_MAX (1024 * 1024)

char *xs_filter_read_file(const char *path)
{
	char *s = xs_user_read(path, FILTER_FILE_MAX, "filter file");
	char *p;
	bool comment = false;

	/* '#' to the end of its line is a comment; lines join with spaces. */
	for (p = s; p && *p; p++) {
		if (*p == '#')
			comment = true;
		if (*p == '\n')
			comment = false;
		if (comment || *p == '\n')
			*p = ' ';
	}
	return s;
}

/* libpcap's compile; its complaint goes into msg, not to stderr. */
static int compile(struct xs_filter *f, const char *expr, uint32_t snaplen,
		   struct xs_filter_link link, char *msg, size_t len)
{
	struct bpf_program prog;
	pcap_t *p;
	int err = -EINVAL;

	memset(f, 0, sizeof(*f));
	snprintf(msg, len, "filter: out of memory");
	p = pcap_open_dead_with_tstamp_precision(link.dlt, (int)snaplen,
						 PCAP_TSTAMP_PRECISION_NANO);
	if (!p)
		return -ENOMEM;
	if (pcap_compile(p, &prog, expr, 1, link.netmask)) {
		snprintf(msg, len, "invalid filter '%.*s%s'%s%s: %s",
			 XS_SHOWN(expr),
			 link.where ? " on " : "", link.where ? link.where : "",
			 pcap_geterr(p));
		goto out;
	}
	f->expr = strdup(expr);
	f->insns = calloc(prog.bf_len ? prog.bf_len : 1, sizeof(*f->insns));
	if (!f->expr || !f->insns) {
		xs_filter_free(f);
		err = -ENOMEM;
		goto free_prog;
	}
	memcpy(f->insns, prog.bf_insns, prog.bf_len * sizeof(*f->insns));
	f->len = prog.bf_len;
	err = 0;
free_prog:
	pcap_freecode(&prog);
out:
	pcap_close(p);
	return err;
}

int xs_filter_compile(struct xs_filter *f, const char *expr, uint32_t snaplen,
		      struct xs_filter_link link)
{
	char msg[512];
	int err = compile(f, expr, snaplen, link, msg, sizeof(msg));

	if (err)
		pr_err("%s", msg);
	return err;
}

void xs_filter_free(struct xs_filter *f)
{
	free(f->expr);
	free(f->insns);
	free(f->code);
	memset(f, 0, sizeof(*f));
}

int xs_filter_reference(const struct xs_filter *f, const uint8_t *pkt,
			uint32_t len)
{
	struct bpf_program prog = {
		.bf_len = f->len, .bf_insns = (struct bpf_insn *)f->insns,
	};
	struct pcap_pkthdr h = { .caplen = len, .len = len };

	return pcap_offline_filter(&prog, &h, pkt) != 0;
}

static int build(struct xs_filter *f, const char *expr, uint32_t snaplen,
		 struct xs_filter_link link, char *msg, size_t len)
{
	int err = compile(f, expr, snaplen, link, msg, len);

	if (!err && (err = xs_filter_translate(f, msg, len)))
		xs_filter_free(f);
	return err;
}

int xs_filter_build(struct xs_filter *f, const char *expr, uint32_t snaplen,
		    struct xs_filter_link link)
{
	char msg[512];
	int err = build(f, expr, snaplen, link, msg, sizeof(msg));

	if (err)
		pr_err("%s", msg);
	return err;
}

int xs_filters_build(struct xs_filter *f, const struct xs_ifaces *ifs,
		     const char *expr, uint32_t snaplen)
{
	char where[64];
	int err;

	for (unsigned int i = 0; expr && i < ifs->n; i++) {
		const struct xs_iface *a = &ifs->at[i];
		struct xs_filter_link link = {
			xs_linktype_dlt(a->linktype), a->netmask, where,
		};

		snprintf(where, sizeof(where), "%s (%s)", a->name,
			 xs_linktype_name(a->linktype));
		err = xs_filter_build(&f[i], expr, snaplen, link);
		if (err)
			return err;
	}
	return 0;
}

int xs_filter_check(const char *expr, uint32_t snaplen,
		    struct xs_filter_link link, char *msg, size_t len)
{
	struct xs_filter f;
	int err = build(&f, expr, snaplen, link, msg, len);

	if (!err)
		xs_filter_free(&f);
	return err;
}

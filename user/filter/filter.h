/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpdump filter expressions, decided inside the XDP program: libpcap
 * compiles the expression to classic BPF, we translate that to eBPF and
 * the loader splices it into the sampler program before load.
 */
#ifndef XDPSAMPLE_FILTER_H
#define XDPSAMPLE_FILTER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "user/base/iface.h"
#include "xdp/sample.h"

struct bpf_insn;

/* One classic BPF instruction (libpcap's struct bpf_insn, same layout). */
struct xs_cbpf_insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};

/* What a filter is compiled for: the interface's link and IPv4 netmask. */
struct xs_filter_link {
	int dlt;		/* libpcap's DLT_* */
	uint32_t netmask;	/* a host-order number; 0xffffffff: unknown */
	const char *where;	/* for messages: "eth0 (Ethernet)"; or NULL */
};

/* Ethernet, no netmask: what a filter is checked for without interface. */
#define XS_FILTER_ETHERNET ((struct xs_filter_link){ 1, 0xffffffffu, NULL })

struct xs_filter {
	char *expr;			/* as given, words joined by spaces */
	struct xs_cbpf_insn *insns;	/* libpcap's compiled program */
	unsigned int len;
	struct bpf_insn *code;		/* its translation, once translated */
	unsigned int code_len;
};

/* The contract between the XDP program and this code: xdp/sample.h. */

/* Join argv[0..argc-1] with spaces; NULL on allocation failure. */
char *xs_filter_join(int argc, char **argv);
/* The contents of -F FILE, '#' comments dropped; NULL and a message. */
char *xs_filter_read_file(const char *path);
/*
 * Compile expr with libpcap for link and snaplen; on error print
 * libpcap's message and return -EINVAL.
 */
int xs_filter_compile(struct xs_filter *f, const char *expr,
		      uint32_t snaplen, struct xs_filter_link link);
void xs_filter_free(struct xs_filter *f);
/*
 * Compile, then translate once (every interface's program gets the same
 * code): -EINVAL/-E2BIG with the reason said when libpcap or the
 * translation refuses the expression.
 */
int xs_filter_build(struct xs_filter *f, const char *expr, uint32_t snaplen,
		    struct xs_filter_link link);
/*
 * The filter for each interface, f[i] for ifs->at[i], compiled for its
 * link type and netmask (expr NULL: none, every f[i] left empty): a filter
 * libpcap rejects there, or XDP cannot run, is -EINVAL/-E2BIG, said.
 */
int xs_filters_build(struct xs_filter *f, const struct xs_ifaces *ifs,
		     const char *expr, uint32_t snaplen);
/* The same verdict, the reason in msg instead of on stderr. */
int xs_filter_check(const char *expr, uint32_t snaplen,
		    struct xs_filter_link link, char *msg, size_t len);
/* libpcap's own verdict on a whole frame: the reference for the tests. */
int xs_filter_reference(const struct xs_filter *f, const uint8_t *pkt,
			uint32_t len);

/*
 * Translate the compiled program to eBPF (f->code) that leaves with the
 * verdict in r0 (0 = no match) through its last instruction, a jump whose
 * offset xs_filter_splice sets: the same code serves every interface. 0,
 * or -EINVAL/-E2BIG with a message naming the construct in err.
 */
int xs_filter_translate(struct xs_filter *f, char *err, size_t errlen);
/*
 * The sampler program prog[0..n-1] with the translated filter appended
 * and its one placeholder (r0 = XS_FILTER_MAGIC) turned into a jump to it;
 * nothing before the end moves, so libbpf's relocations and line info
 * hold. *out is malloc'ed, *at is the placeholder's index. -ENOENT: no
 * single placeholder; -E2BIG: the jumps do not fit 16 bits.
 */
int xs_filter_splice(const struct xs_filter *f, const struct bpf_insn *prog,
		     size_t n, struct bpf_insn **out, size_t *n_out,
		     unsigned int *at);
/*
 * The n instructions of a translated filter made for a tc (skb) program:
 * its helper calls turned into the skb's, in place.
 */
void xs_filter_for_skb(struct bpf_insn *code, size_t n);
/* Print eBPF instructions, numbered from base, as tcpdump -d would. */
void xs_filter_dump(FILE *f, const struct bpf_insn *insns, unsigned int n,
		    unsigned int base);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * Compare a capture against a reference capture of the same traffic, packet
 * by packet, keyed on the sequence number xs-send puts in each payload:
 *
 *   xs-pcapcmp OURS REFERENCE SNAPLEN COUNT
 *
 * OURS must hold exactly COUNT packets, sequence numbers 0..COUNT-1 once
 * each; each one's caplen must be min(len, SNAPLEN), its len the reference's
 * len, and its bytes the reference's first caplen bytes.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#define SEQ_OFF 42	/* Ethernet + IPv4 + UDP headers */
#define TAG_LEN 4	/* an 802.1Q or 802.1ad tag before the IPv4 header */

struct pkt {
	uint32_t len, caplen;
	uint8_t *data;
};

/* The sequence number, behind up to two VLAN tags. */
static long seq_of(const uint8_t *d, uint32_t caplen)
{
	uint32_t s, off = SEQ_OFF;

	for (int i = 0; i < 2 && caplen >= off - SEQ_OFF + 14; i++) {
		uint16_t type = (uint16_t)(d[off - SEQ_OFF + 12] << 8 |
					   d[off - SEQ_OFF + 13]);

		if (type != 0x8100 && type != 0x88a8)
			break;
		off += TAG_LEN;
	}
	if (caplen < off + 8 || memcmp(d + off, "XSSQ", 4))
		return -1;
	memcpy(&s, d + off + 4, 4);
	return ntohl(s);
}

/* Load packets into tab[seq]; returns packets read, -1 on error. */
static long load(const char *path, struct pkt *tab, long count, long *dups,
		 long *foreign)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	long n = 0, s;
	pcap_t *p;

	p = pcap_open_offline(path, err);
	if (!p) {
		fprintf(stderr, "xs-pcapcmp: %s\n", err);
		return -1;
	}
	while (pcap_next_ex(p, &h, &d) == 1) {
		n++;
		s = seq_of(d, h->caplen);
		if (s < 0 || s >= count) {
			(*foreign)++;
			continue;
		}
		if (tab[s].data) {
			(*dups)++;
			continue;
		}
		tab[s].len = h->len;
		tab[s].caplen = h->caplen;
		tab[s].data = malloc(h->caplen);
		memcpy(tab[s].data, d, h->caplen);
	}
	pcap_close(p);
	return n;
}

int main(int argc, char **argv)
{
	long count, snap, n, dups = 0, foreign = 0, rdups = 0, rforeign = 0;
	long missing = 0, bad = 0;
	struct pkt *ours, *ref;

	if (argc != 5) {
		fprintf(stderr, "usage: xs-pcapcmp OURS REFERENCE SNAPLEN COUNT\n");
		return 2;
	}
	snap = atol(argv[3]);
	count = atol(argv[4]);
	ours = calloc(count, sizeof(*ours));
	ref = calloc(count, sizeof(*ref));
	n = load(argv[1], ours, count, &dups, &foreign);
	if (n < 0 || load(argv[2], ref, count, &rdups, &rforeign) < 0)
		return 1;
	for (long s = 0; s < count; s++) {
		uint32_t want;

		if (!ours[s].data || !ref[s].data) {
			if (missing++ < 5)
				fprintf(stderr, "seq %ld missing from %s\n", s,
					ours[s].data ? "reference" : "ours");
			continue;
		}
		want = ref[s].len < snap ? ref[s].len : snap;
		if (ours[s].len != ref[s].len || ours[s].caplen != want ||
		    ref[s].caplen < want ||
		    memcmp(ours[s].data, ref[s].data, want)) {
			if (bad++ < 5)
				fprintf(stderr, "seq %ld differs: len %u/%u caplen %u (want %u)\n",
					s, ours[s].len, ref[s].len,
					ours[s].caplen, want);
		}
	}
	printf("%ld packets read, %ld missing, %ld different, %ld duplicated, %ld foreign\n",
	       n, missing, bad, dups, foreign);
	return (n == count && !missing && !bad && !dups && !foreign) ? 0 : 1;
}

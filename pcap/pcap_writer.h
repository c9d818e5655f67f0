/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XDPSAMPLE_PCAP_WRITER_H
#define XDPSAMPLE_PCAP_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include "packet.h"

struct xs_pcap_writer;

/* What became of the packets handed to the writer. */
struct xs_write_counts {
	uint64_t written;	/* wholly accepted by the file/pipe */
	uint64_t failed;	/* handed over but not (wholly) written */
};

/*
 * Open path ("-" = stdout) for writing without touching its contents yet:
 * O_NOFOLLOW (a symlink is refused), mode 0600 when created. Fails early so
 * a bad path costs no BPF work.
 */
int xs_pcap_open(struct xs_pcap_writer **out, const char *path,
		 uint32_t snaplen, bool unbuffered);
/* Truncate and write the file header: the capture starts. */
int xs_pcap_start(struct xs_pcap_writer *w);
/* 0, or -errno of the first write error (later writes fail fast). */
int xs_pcap_write(struct xs_pcap_writer *w, const struct xs_packet *pkt);
int xs_pcap_flush(struct xs_pcap_writer *w);
/* Flush and close; fills the final counts; 0 or -errno. */
int xs_pcap_close(struct xs_pcap_writer *w, struct xs_write_counts *c);
/* Give up before start: remove the file if this run created it. */
void xs_pcap_abort(struct xs_pcap_writer *w);

#endif

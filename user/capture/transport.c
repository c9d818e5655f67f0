// SPDX-License-Identifier: GPL-2.0
/*
 * The transport: the maps that carry records from every interface's
 * program to the drain, created before any program so that the reader is
 * ready before the first packet is sampled.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "user/base/log.h"
#include "user/capture/transport.h"
#include "xdp/sample.h"

const char *xs_transport_name(uint32_t transport)
{
	return transport == XS_TRANSPORT_RINGBUF ? "ringbuf" :
	       transport == XS_TRANSPORT_PERF ? "perf" : "?";
}

/*
 * A ring buffer per possible CPU, in an array the program indexes; keep
 * (n of them) gets each ring's fd, or the array alone holds them.
 */
static int create_rings(uint32_t bytes, int *keep)
{
	int n = libbpf_num_possible_cpus(), ring, outer = -1;
	LIBBPF_OPTS(bpf_map_create_opts, o);

	if (n < 1)
		return n < 0 ? n : -EINVAL;
	for (int i = 0; i < n; i++) {
		ring = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "xs_ring", 0, 0,
				      bytes, NULL);
		if (ring < 0)
			break;
		if (outer < 0) {
			o.inner_map_fd = ring;
			outer = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS,
					       "xs_rings", sizeof(__u32),
					       sizeof(__u32), (__u32)n, &o);
		}
		if (outer < 0 || bpf_map_update_elem(outer, &i, &ring, 0)) {
			close(ring);
			ring = -1;
			break;
		}
		if (keep)
			keep[i] = ring;
		else
			close(ring);	/* the array holds it */
	}
	if (ring < 0) {
		ring = -errno;
		if (outer >= 0)
			close(outer);
		for (int i = 0; keep && i < n && keep[i] >= 0; i++)
			close(keep[i]);
		return ring;
	}
	return outer;
}

int xs_transport_rings(uint32_t buffer_bytes, int *rings)
{
	int n = libbpf_num_possible_cpus(), fd;

	for (int i = 0; i < n; i++)
		rings[i] = -1;
	fd = create_rings(buffer_bytes, rings);
	if (fd < 0)
		pr_err("cannot create the ring buffers (%u KiB per CPU): %s",
		       buffer_bytes / 1024, strerror(-fd));
	return fd;
}

int xs_transport_create(uint32_t transport, uint32_t buffer_bytes)
{
	bool rb = transport == XS_TRANSPORT_RINGBUF;
	int fd;

	if (rb)
		fd = create_rings(buffer_bytes, NULL);
	else
		fd = bpf_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, "xs_perf",
				    sizeof(__u32), sizeof(__u32),
				    libbpf_num_possible_cpus(), NULL);
	if (fd < 0) {
		fd = fd == -1 ? -errno : fd;
		pr_err("cannot create the %s buffers (%u KiB per CPU): %s",
		       rb ? "ring" : "perf", buffer_bytes / 1024,
		       strerror(-fd));
	}
	return fd;
}

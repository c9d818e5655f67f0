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
#include <bpf/btf.h>
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

/*
 * The map's type information: the kernel finds the timer in a value by
 * its BTF (a struct named bpf_timer); the rest is opaque bytes.
 */
static struct btf *stage_btf(__u32 *key_id, __u32 *value_id)
{
	struct btf *b = btf__new_empty();
	int u8, u64, timer, bytes, value;

	if (!b)
		return NULL;
	u8 = btf__add_int(b, "unsigned char", 1, 0);
	u64 = btf__add_int(b, "long long unsigned int", 8, 0);
	*key_id = btf__add_int(b, "unsigned int", 4, 0);
	timer = btf__add_struct(b, "bpf_timer", 16);
	btf__add_field(b, "a", u64, 0, 0);
	btf__add_field(b, "b", u64, 64, 0);
	bytes = btf__add_array(b, *key_id, u8,
			       sizeof(struct xs_stage) - 16);
	value = btf__add_struct(b, "xs_stage", sizeof(struct xs_stage));
	btf__add_field(b, "timer", timer, 0, 0);
	btf__add_field(b, "rest", bytes, 16 * 8, 0);
	*value_id = value;
	if (u8 < 0 || u64 < 0 || timer < 0 || bytes < 0 || value < 0 ||
	    btf__load_into_kernel(b)) {
		btf__free(b);
		return NULL;
	}
	return b;
}

/* The CPUs' pending flags: a word each, mapped by the reader. */
static int create_pending(int n)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_MMAPABLE);
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "xs_pending",
				sizeof(__u32), sizeof(__u64), (__u32)n, &o);

	return fd < 0 ? -errno : fd;
}

int xs_transport_stages(int *pending_fd)
{
	int n = libbpf_num_possible_cpus(), fd = -EINVAL;
	LIBBPF_OPTS(bpf_map_create_opts, o);
	struct btf *b = n > 0 ? stage_btf(&o.btf_key_type_id,
					  &o.btf_value_type_id) : NULL;

	if (b) {
		o.btf_fd = btf__fd(b);
		fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "xs_stages",
				    sizeof(__u32), sizeof(struct xs_stage),
				    (__u32)n, &o);
		if (fd < 0)
			fd = -errno;
		btf__free(b);	/* the map holds its own reference */
	}
	*pending_fd = fd >= 0 ? create_pending(n) : -1;
	if (*pending_fd < 0 && fd >= 0) {
		close(fd);
		fd = *pending_fd;
		*pending_fd = -1;
	}
	if (fd < 0)
		pr_err("cannot create the CPUs' stages: %s", strerror(-fd));
	return fd;
}

// SPDX-License-Identifier: GPL-2.0
/* From the options to the settings of the programs, the files, sFlow. */
#include <errno.h>
#include <bpf/libbpf.h>

#include "user/cli/config.h"

uint32_t xs_default_buffer_kib(void)
{
	int n = libbpf_num_possible_cpus();
	uint32_t kib = 4096;

	while (n > 0 && (uint64_t)kib * (uint64_t)n > 16384 && kib > 256)
		kib /= 2;
	return kib;
}

struct xs_prog_cfg xs_config_prog(const struct xs_options *o,
				  const struct xs_filter *f)
{
	return (struct xs_prog_cfg){
		.rate = o->rate,
		.adaptive = o->adaptive,
		.sample_mode = o->sample_mode,
		.seed = o->seed,
		.snaplen = o->snaplen,
		.transport = o->transport,
		.buffer_bytes = (o->buffer_kib ? o->buffer_kib :
				 xs_default_buffer_kib()) * 1024,
		.immediate = o->immediate,
		.dirs = o->dirs,
		.filter = f && f->len ? f : NULL,
	};
}

struct xs_output_cfg xs_config_file(const struct xs_options *o,
				    const struct xs_filter *f)
{
	return (struct xs_output_cfg){
		.path = o->outfile,
		.format = o->format,
		.snaplen = o->snaplen,
		.flow = o->sample_mode == XS_SAMPLE_FLOW,
		.filter = f->len ? f->expr : NULL,
		.app = "xdpsample " XS_VERSION,
		.unbuffered = o->unbuffered,
		.reader_may_leave = o->extcap,
		.rotate = {
			.size_limit = o->rotate_bytes,
			.seconds = o->rotate_seconds,
			.max_files = o->max_files,
		},
	};
}

int xs_config_sflow(const struct xs_options *o, struct xs_sflow_cfg *c)
{
	if (!o->sflow)
		return 0;
	c->max_datagram = o->sflow_max_datagram;
	c->counter_secs = o->sflow_counter_secs;
	c->snaplen = o->snaplen;
	if (o->sflow_agent && xs_sflow_parse_agent(o->sflow_agent, &c->agent))
		return -EINVAL;
	return xs_sflow_resolve(o->sflow, &c->collector, &c->collector_len);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * What is said of each interface once its program is attached: its pcapng
 * description (how it is sampled, what XDP gets of a frame, where it is)
 * and tcpdump's "listening on" line.
 */
#include <stdio.h>
#include <string.h>

#include "user/base/log.h"
#include "user/capture/programs.h"
#include "user/capture/transport.h"

/*
 * The interface's pcapng description: the hooks ("XDP native mode", "tc
 * egress", or both), the transport, the rate and how packets are chosen
 * (at random, by count, flows, by packet hash), the key's seed. Stable: Wireshark's
 * plugin (deploy/wireshark/xdpsample.lua) reads it.
 */
static void describe(const struct xs_programs *p, unsigned int i, char *buf,
		     size_t len)
{
	const struct xs_prog_cfg *c = &p->cfg;
	bool egress = xs_dirs_has(c->dirs, XS_DIR_OUT);
	char hooks[40], rate[32];

	if (!xs_dirs_has(c->dirs, XS_DIR_IN))
		snprintf(hooks, sizeof(hooks), "tc egress");
	else
		snprintf(hooks, sizeof(hooks), "XDP %s mode%s",
			 xs_loader_xdp_mode(p->l[i]),
			 egress ? " and tc egress" : "");
	snprintf(rate, sizeof(rate), "%s1/%u%s", c->adaptive ? "auto from " : "",
		 p->ifs->at[i].rate,
		 c->sample_mode == XS_SAMPLE_FLOW ? " flows" : "");
	if (c->sample_mode == XS_SAMPLE_FLOW)
		snprintf(buf, len,
			 "xdpsample: %s, %s transport, flow sample %s%s, seed 0x%016llx",
			 hooks, xs_transport_name(c->transport), rate,
			 p->expr ? " matching the filter" : "",
			 (unsigned long long)c->seed);
	else if (c->sample_mode == XS_SAMPLE_PACKET)
		snprintf(buf, len,
			 "xdpsample: %s, %s transport, sample %s by packet hash%s, seed 0x%016llx",
			 hooks, xs_transport_name(c->transport), rate,
			 p->expr ? " of packets matching the filter" : "",
			 (unsigned long long)c->seed);
	else
		snprintf(buf, len, "xdpsample: %s, %s transport, sample %s %s%s",
			 hooks, xs_transport_name(c->transport), rate,
			 c->sample_mode == XS_SAMPLE_COUNT ? "by count" :
							     "at random",
			 p->expr ? " of packets matching the filter" : "");
}

/* Interface i's XDP receives Ethernet frames: VLAN tags apply. */
static bool receives_ethernet(const struct xs_programs *p, unsigned int i)
{
	return xs_dirs_has(p->cfg.dirs, XS_DIR_IN) &&
	       p->ifs->at[i].linktype == XS_LINKTYPE_ETHERNET;
}

/*
 * Why VLAN tags the NIC strips are not seen on what interface i receives,
 * or NULL when they are put back or do not apply.
 */
static const char *vlan_blind(const struct xs_programs *p, unsigned int i)
{
	return receives_ethernet(p, i) ? xs_loader_vlan_blind(p->l[i]) : NULL;
}

/*
 * What XDP gets of a frame beside its bytes, in the description (the
 * listening line says it too where the file may differ from the wire):
 * VLAN tags the NIC stripped, put back or not seen and why; whose clock
 * stamps the frames.
 */
static void describe_wire(const struct xs_programs *p, unsigned int i,
			  struct xs_iface *f)
{
	const char *blind = vlan_blind(p, i);
	size_t at = strlen(f->descr);

	if (!receives_ethernet(p, i))
		return;
	snprintf(f->descr + at, sizeof(f->descr) - at, "; %s%s%s",
		 blind ? "received: VLAN tags the NIC strips not seen (" :
			 "received: VLAN tags the NIC stripped put back",
		 blind ? blind : "", blind ? ")" : "");
	at = strlen(f->descr);
	snprintf(f->descr + at, sizeof(f->descr) - at, "; timestamps: %s",
		 xs_loader_nic_time(p->l[i]) ?
		 "the NIC's clock where the driver gives one, else the host's" :
		 "the host's clock");
}

/* Where it is, for the description: its namespace, a veth's peer. */
static void describe_where(const struct xs_iface *f, char *buf, size_t len)
{
	size_t at = strlen(buf);

	if (f->netns[0])
		snprintf(buf + at, len - at, "; namespace %s", f->netns);
	at = strlen(buf);
	if (f->peer[0])
		snprintf(buf + at, len - at, "; veth peer %s", f->peer);
}

void xs_programs_describe(const struct xs_programs *p, unsigned int i,
			  struct xs_iface *f)
{
	f->rate = xs_loader_rate(p->l[i]);
	describe(p, i, f->descr, sizeof(f->descr));
	describe_wire(p, i, f);
	describe_where(f, f->descr, sizeof(f->descr));
	if (p->cfg.descr_note)
		snprintf(f->descr + strlen(f->descr),
			 sizeof(f->descr) - strlen(f->descr), "; %s",
			 p->cfg.descr_note);
}

void xs_programs_listening_one(const struct xs_programs *p, unsigned int i)
{
	const struct xs_prog_cfg *c = &p->cfg;
	const struct xs_iface *f = &p->ifs->at[i];
	const char *blind = vlan_blind(p, i);
	char rate[40], seed[64] = "", where[200] = "";

	snprintf(rate, sizeof(rate), "%s1/%u%s", c->adaptive ? "auto from " : "",
		 f->rate, c->sample_mode == XS_SAMPLE_FLOW ? " flows" : "");
	if (c->sample_mode == XS_SAMPLE_FLOW ||
	    c->sample_mode == XS_SAMPLE_PACKET)
		snprintf(seed, sizeof(seed), ", %sseed 0x%016llx",
			 c->sample_mode == XS_SAMPLE_PACKET ? "by packet hash, " : "",
			 (unsigned long long)c->seed);
	/* Found by a pattern: where (one named is where it was named). */
	if (f->netns[0] && !f->fixed)
		snprintf(where, sizeof(where), " in namespace %s", f->netns);
	if (f->peer[0] && !f->fixed)
		snprintf(where + strlen(where), sizeof(where) - strlen(where),
			 ", veth peer %s", f->peer);
	pr_info("listening on %s%s (%s, %s, %s%s, snaplen %u%s%s)", f->name,
		where, p->mode_name[i], xs_transport_name(c->transport), rate,
		seed, c->snaplen,
		blind ? "; VLAN tags the NIC strips not seen: " : "",
		blind ? blind : "");
}

void xs_programs_listening(const struct xs_programs *p)
{
	for (unsigned int i = 0; i < p->n; i++)
		if (p->l[i])
			xs_programs_listening_one(p, i);
}


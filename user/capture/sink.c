// SPDX-License-Identifier: GPL-2.0
/* The fan-out of checked records to the sinks, and the rules of ending. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "user/capture/sink.h"

int xs_sinks_add(struct xs_sinks *k, const struct xs_sink_ops *ops, void *p)
{
	if (k->n == XS_MAX_SINKS) {
		if (ops->abort)
			ops->abort(p);
		return -E2BIG;
	}
	k->s[k->n].ops = ops;
	k->s[k->n].p = p;
	k->n++;
	return 0;
}

int xs_sinks_start(struct xs_sinks *k, const struct xs_ifaces *ifs)
{
	int err;

	k->ifs = ifs;
	for (unsigned int i = 0; i < k->n; i++) {
		if (!k->s[i].ops->start)
			continue;
		err = k->s[i].ops->start(k->s[i].p, ifs);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Every sink sees every packet of a captured interface. One that is
 * finished ends the run: this packet and later ones count as over. A
 * failed sink ends it too, but later packets still reach the sinks, which
 * count them as lost (a file that cannot be written counts write failures).
 */
void xs_sinks_packet(void *ctx, const struct xs_packet *pkt)
{
	struct xs_sinks *k = ctx;
	bool finished = false, fatal = false;
	unsigned int idx = pkt->iface;
	int err;

	if (k->done) {
		k->over++;
		return;
	}
	if (!k->ifs || idx >= k->ifs->n) {
		k->foreign++;
		return;
	}
	for (unsigned int i = 0; i < k->n; i++) {
		err = k->s[i].ops->packet(k->s[i].p, idx, pkt);
		if (err == -ECANCELED)
			finished = true;
		else if (err)
			fatal = true;
	}
	if (finished) {
		k->done = true;
		k->over++;
		return;
	}
	k->handed++;
	if (fatal)
		k->failed = true;
	else if (k->count && k->handed >= k->count)
		k->done = true;
}

void xs_sinks_losses(struct xs_sinks *k, unsigned int idx, unsigned int dir,
		     uint64_t total)
{
	for (unsigned int i = 0; i < k->n; i++)
		if (k->s[i].ops->losses)
			k->s[i].ops->losses(k->s[i].p, idx, dir, total);
}

int xs_sinks_admit(struct xs_sinks *k, const struct xs_iface *f)
{
	int err;

	for (unsigned int i = 0; i < k->n; i++)
		if (k->s[i].ops->admit && (err = k->s[i].ops->admit(k->s[i].p, f)))
			return err;
	return 0;
}

void xs_sinks_iface_up(struct xs_sinks *k, unsigned int idx)
{
	for (unsigned int i = 0; !k->closed && i < k->n; i++)
		if (k->s[i].ops->iface_up)
			k->s[i].ops->iface_up(k->s[i].p, idx);
}

void xs_sinks_iface_down(struct xs_sinks *k, unsigned int idx)
{
	for (unsigned int i = 0; !k->closed && i < k->n; i++)
		if (k->s[i].ops->iface_down)
			k->s[i].ops->iface_down(k->s[i].p, idx);
}

void xs_sinks_tick(struct xs_sinks *k, uint64_t now_ns)
{
	int err;

	for (unsigned int i = 0; !k->done && i < k->n; i++) {
		if (!k->s[i].ops->tick)
			continue;
		err = k->s[i].ops->tick(k->s[i].p, now_ns);
		if (err == -ECANCELED)
			k->done = true;
		else if (err)
			k->failed = true;
	}
}

int xs_sinks_chown(struct xs_sinks *k, uid_t uid, gid_t gid)
{
	int err;

	for (unsigned int i = 0; i < k->n; i++) {
		if (!k->s[i].ops->chown)
			continue;
		err = k->s[i].ops->chown(k->s[i].p, uid, gid);
		if (err)
			return err;
	}
	return 0;
}

void xs_sinks_flush(struct xs_sinks *k)
{
	/* Closed, they flushed as they closed (and hold no file to flush). */
	for (unsigned int i = 0; !k->closed && i < k->n; i++)
		if (k->s[i].ops->flush)
			k->s[i].ops->flush(k->s[i].p);
}

bool xs_sinks_over(const struct xs_sinks *k)
{
	return k->done || k->failed;
}

int xs_sinks_close(struct xs_sinks *k)
{
	int err, first = 0;

	for (unsigned int i = 0; i < k->n; i++) {
		if (!k->s[i].ops->close)
			continue;
		err = k->s[i].ops->close(k->s[i].p);
		if (err && !first)
			first = err;
	}
	k->closed = true;
	return first;
}

void xs_sinks_summary(const struct xs_sinks *k, enum xs_summary_part part)
{
	for (unsigned int i = 0; i < k->n; i++)
		if (k->s[i].ops->summary)
			k->s[i].ops->summary(k->s[i].p, part);
}

void xs_sinks_release(struct xs_sinks *k)
{
	for (unsigned int i = 0; i < k->n; i++) {
		const struct xs_sink_ops *ops = k->s[i].ops;

		if (!k->closed && ops->abort)
			ops->abort(k->s[i].p);
		else if (ops->free)
			ops->free(k->s[i].p);
	}
	k->n = 0;
}

// SPDX-License-Identifier: GPL-2.0
/* Interfaces found by patterns: attached as they come, let go as they go. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/base/clock.h"
#include "user/base/log.h"
#include "user/capture/follow.h"
#include "user/capture/netdev.h"
#include "user/capture/netns.h"
#include "user/capture/stats.h"

/*
 * A gone interface's records still on their way (in a ring, or held by
 * the merge for time order, at most its hold) reach the sinks before they
 * hear that it went.
 */
#define GOING_NS 1000000000ULL
/*
 * Found interfaces looked at per periodic check (every 200 ms): a few, so
 * that hundreds do not stall the reader longer than a busy ring holds.
 */
#define CHECK_SOME 16

/* A veth's other end: "NAME in namespace NS" ("NAME": the same one). */
static void peer_label(const struct xs_link_event *e, char *buf, size_t len)
{
	char ns[64], name[IF_NAMESIZE] = "";

	if (!e->peer_ifindex)
		return;
	if (e->peer_nsid < 0) {
		if (!xs_netns_use(e->ns) &&
		    if_indextoname((unsigned int)e->peer_ifindex, name))
			snprintf(buf, len, "%s", name);
		return;
	}
	if (!xs_netns_name_of_id(e->ns, e->peer_nsid, ns, sizeof(ns)))
		snprintf(buf, len, "ifindex %d in a namespace without a name",
			 e->peer_ifindex);
	else if (xs_netns_ifname(ns, (uint32_t)e->peer_ifindex, name))
		snprintf(buf, len, "%s in namespace %s", name, ns);
	else
		snprintf(buf, len, "ifindex %d in namespace %s",
			 e->peer_ifindex, ns);
}

/* Told to the sinks once its last records are through. */
static void going(struct xs_follow *f, unsigned int idx)
{
	if (f->n_going == f->cap_going) {
		unsigned int cap = f->cap_going ? 2 * f->cap_going : 64;
		struct xs_gone *g = realloc(f->going, cap * sizeof(*g));

		if (!g) {	/* told now rather than never */
			xs_sinks_iface_down(f->k, idx);
			return;
		}
		f->going = g;
		f->cap_going = cap;
	}
	f->going[f->n_going++] = (struct xs_gone){ idx, xs_mono_ns() + GOING_NS };
}

/* Found by a pattern and gone: detached, its counts kept, said (why
 * NULL: said already). */
static void let_go(struct xs_follow *f, unsigned int idx, const char *why)
{
	struct xs_iface *a = &f->ifs->at[idx];
	struct xs_stats k, out;
	char who[128];

	xs_programs_remove(f->p, idx);
	a->gone = true;
	/* Its last losses, which the next look would not read. */
	if (!xs_programs_iface(f->p, idx, &k, &out)) {
		xs_sinks_losses(f->k, idx, XS_DIR_IN,
				xs_stats_lost(&k) - xs_stats_lost(&out));
		xs_sinks_losses(f->k, idx, XS_DIR_OUT, xs_stats_lost(&out));
	}
	if (why)
		pr_info("interface %s %s; what it saw is kept",
			xs_iface_label(a, who, sizeof(who)), why);
	going(f, idx);
}

/* Found: described, admitted by the sinks, attached; else given back. */
static void take(struct xs_follow *f, const struct xs_link_event *heard)
{
	struct xs_link_event now = *heard, *e = &now;
	struct xs_iface *a;
	int idx;

	/* Stopping (hundreds may be found at the start): no more. Gone
	 * already (a burst of pods made and deleted): nothing to say. */
	if (*f->stop || xs_watch_refresh(e) || strcmp(e->name, heard->name))
		return;
	idx = xs_ifaces_add(f->ifs);
	if (idx < 0) {
		if (!f->full_said)
			pr_warn("%d interfaces seen: '%s' and later ones are not captured",
				XS_MAX_IFACES, e->name);
		f->full_said = true;
		return;
	}
	a = &f->ifs->at[idx];
	a->ifindex = e->ifindex;
	a->ns = e->ns;
	_Static_assert(sizeof(a->own) == sizeof(e->name), "IF_NAMESIZE");
	memcpy(a->own, e->name, sizeof(a->own));	/* terminated */
	memcpy(a->now, a->own, sizeof(a->now));
	a->name = a->own;
	snprintf(a->netns, sizeof(a->netns), "%s", xs_netns_name(e->ns));
	peer_label(e, a->peer, sizeof(a->peer));
	if (xs_netns_use(e->ns) || xs_iface_describe(a) ||
	    xs_sinks_admit(f->k, a) || xs_programs_add(f->p, f->ifs, idx)) {
		f->ifs->n--;	/* the last place, referred to by nothing */
		return;
	}
	f->gen[idx] = xs_watch_gen(f->w);
	xs_sinks_iface_up(f->k, idx);
	xs_programs_listening_one(f->p, idx);
}

static void on_link(void *ctx, const struct xs_link_event *e)
{
	struct xs_follow *f = ctx;
	int idx = xs_ifaces_find(f->ifs, e->ns, e->ifindex);
	struct xs_iface *a = idx >= 0 ? &f->ifs->at[idx] : NULL;

	if (e->gone) {
		/* One named by -i: the periodic look says why, and stops. */
		if (a && !a->fixed)
			let_go(f, (unsigned int)idx, "is gone");
		return;
	}
	if (a) {
		f->gen[idx] = xs_watch_gen(f->w);
		if (strcmp(a->now, e->name)) {
			pr_info("interface '%s' is now named '%s'; the capture goes on",
				a->now, e->name);
			snprintf(a->now, sizeof(a->now), "%s", e->name);
			a->renamed = true;
		}
		return;
	}
	if (xs_watch_wants(&f->rules, e->name, e->loopback))
		take(f, e);
}

static void on_ns_gone(void *ctx, int ns)
{
	struct xs_follow *f = ctx;

	for (unsigned int i = 0; i < f->ifs->n; i++)
		if (!f->ifs->at[i].gone && f->ifs->at[i].ns == ns)
			let_go(f, i, "went with its namespace");
}

/* After a full look at ns: what it did not show is gone. */
static void on_resynced(void *ctx, int ns, unsigned int gen)
{
	struct xs_follow *f = ctx;

	for (unsigned int i = 0; i < f->ifs->n; i++) {
		const struct xs_iface *a = &f->ifs->at[i];

		if (!a->gone && !a->fixed && a->ns == ns && f->gen[i] != gen)
			let_go(f, i, "is gone");
	}
}

int xs_follow_open(struct xs_follow *f, const struct xs_watch_rules *r,
		   struct xs_programs *p, struct xs_ifaces *ifs,
		   struct xs_sinks *k, const volatile sig_atomic_t *stop)
{
	struct xs_watch_fns fns = { on_link, on_ns_gone, on_resynced, f };

	memset(f, 0, sizeof(*f));
	f->rules = *r;
	f->p = p;
	f->ifs = ifs;
	f->k = k;
	f->stop = stop;
	if (!xs_watch_follows(r))
		return 0;
	f->gen = calloc(XS_MAX_IFACES, sizeof(*f->gen));
	if (!f->gen)
		return -ENOMEM;
	return xs_watch_open(&f->w, r, &fns);
}

/* "'veth*' in namespaces 'pod-*'": what is followed, as given. */
static void say_following(const struct xs_watch_rules *r)
{
	char what[512] = "", *at = what, *end = what + sizeof(what);

	for (unsigned int i = 0; i < r->n_names && at < end; i++)
		at += snprintf(at, end - at, "%s'%s'", i ? ", " : "",
			       r->names[i]);
	for (unsigned int i = 0; i < r->n_excludes && at < end; i++)
		at += snprintf(at, end - at, "%s'%s'", i ? ", " : " but not ",
			       r->excludes[i]);
	for (unsigned int i = 0; i < r->n_netns && at < end; i++)
		at += snprintf(at, end - at, "%s'%s'",
			       i ? ", " : " in namespaces ", r->netns[i]);
	pr_info("following interfaces %s", what);
}

void xs_follow_start(struct xs_follow *f)
{
	if (!f->w)
		return;
	say_following(&f->rules);
	xs_watch_dump(f->w);
}

void xs_follow_poll(struct xs_follow *f, uint64_t now)
{
	unsigned int kept = 0;

	if (f->w)
		xs_watch_poll(f->w);
	for (unsigned int i = 0; i < f->n_going; i++) {
		if (f->going[i].due <= now)
			xs_sinks_iface_down(f->k, f->going[i].idx);
		else
			f->going[kept++] = f->going[i];
	}
	f->n_going = kept;
}

/*
 * Found by a pattern and no longer ours: gone (deleted with its program's
 * link, moved; the event may come after this look) is a pod that
 * stopped; a program detached or replaced on a device still there is
 * someone else's doing, said as such.
 */
static void lost_found(struct xs_follow *f, unsigned int i,
		       enum xs_attach_state st, uint32_t by)
{
	struct xs_link l;

	if (st == XS_ATTACH_DETACHED || st == XS_ATTACH_EGRESS_DETACHED ||
	    st == XS_ATTACH_REPLACED) {
		if (!xs_netns_use(f->ifs->at[i].ns) &&
		    !xs_iface_link(f->ifs->at[i].ifindex, &l)) {
			xs_programs_say_lost(f->p, i, st, by);
			let_go(f, i, NULL);
			return;
		}
	}
	let_go(f, i, "is gone");
}

/* Interface i still ours? If not: true for a named one (said). */
static bool check_one(struct xs_follow *f, unsigned int i)
{
	const struct xs_iface *a = &f->ifs->at[i];
	enum xs_attach_state st;
	uint32_t by;

	if (a->gone || (st = xs_programs_state(f->p, i, &by)) == XS_ATTACH_OK)
		return false;
	if (a->fixed) {
		xs_programs_say_lost(f->p, i, st, by);
		return true;
	}
	lost_found(f, i, st, by);
	return false;
}

bool xs_follow_check(struct xs_follow *f)
{
	unsigned int n = f->ifs->n, found = 0, i;
	bool lost = false;

	xs_ifaces_follow(f->ifs);
	for (i = 0; i < n; i++)
		if (f->ifs->at[i].fixed)
			lost |= check_one(f, i);
	/* Those a pattern found: their going is an event; this look is for
	 * a program detached or replaced, a few each time. */
	for (unsigned int seen = 0; seen < n && found < CHECK_SOME; seen++) {
		i = f->check_next++ % n;
		if (!f->ifs->at[i].fixed && !f->ifs->at[i].gone) {
			check_one(f, i);
			found++;
		}
	}
	f->check_next %= n ? n : 1;
	return lost;
}

void xs_follow_close(struct xs_follow *f)
{
	for (unsigned int i = 0; i < f->n_going; i++)
		xs_sinks_iface_down(f->k, f->going[i].idx);
	f->n_going = 0;
	free(f->going);
	free(f->gen);
	xs_watch_close(f->w);
	f->going = NULL;
	f->gen = NULL;
	f->w = NULL;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The live statistics as Prometheus wants them: counters end in _total,
 * base units (packets, seconds, a ratio), one HELP and TYPE per family.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "user/base/caps.h"
#include "user/base/log.h"
#include "user/capture/report.h"
#include "user/capture/stats.h"

/* A label value: backslash, quote and newline escaped. */
static void label(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void family(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A series' opening, NAME{capture="...: every series says whose it is. */
static void opening(FILE *f, const struct xs_report *h, const char *name)
{
	fprintf(f, "%s{capture=\"", name);
	label(f, h->cfg.capture);
}

/* One more label, after the one before it: ",KEY="VALUE. */
static void pair(FILE *f, const char *key, const char *val)
{
	fprintf(f, "\",%s=\"", key);
	label(f, val);
}

/* NAME{capture="...",LABEL="VALUE"} V. */
static void series(FILE *f, const struct xs_report *h, const char *name,
		   const char *key, const char *val, const char *more,
		   const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* more: further labels as written (",reason=\"...\""), or "". */
static void series(FILE *f, const struct xs_report *h, const char *name,
		   const char *key, const char *val, const char *more,
		   const char *fmt, ...)
{
	va_list ap;

	opening(f, h, name);
	if (key)
		pair(f, key, val);
	fprintf(f, "\"%s} ", more);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

/*
 * Interface i's series: its name, and its namespace where it has one
 * (interfaces of two namespaces may share a name). A gone one has none:
 * its series end with it.
 */
static void series_if(FILE *f, const struct xs_report *h, const char *name,
		      unsigned int i, const char *more, unsigned long long v)
{
	opening(f, h, name);
	pair(f, "interface", h->ifs[i].name);
	if (h->ifs[i].netns[0])
		pair(f, "netns", h->ifs[i].netns);
	fprintf(f, "\"%s} %llu\n", more, v);
}

/*
 * One value per interface of a family; off is the xs_stats field, of both
 * directions or (egress) of what was sent.
 */
static void per_iface(FILE *f, const struct xs_report *h, const char *name,
		      const char *help, size_t off, bool egress)
{
	family(f, name, "counter", help);
	for (unsigned int i = 0; i < h->n_ifaces; i++)
		if (!h->ifs[i].gone)
			series_if(f, h, name, i, "", *(const uint64_t *)
				  ((const char *)(egress ? &h->ifs[i].out :
							   &h->ifs[i].k) + off));
}

/*
 * One value per sink of a family; off is the xs_sink_counts field. Each
 * sFlow collector is a sink of its own, told apart by its address.
 */
static void per_sink(FILE *f, const struct xs_report *h, const char *name,
		     const char *help, size_t off)
{
	family(f, name, "counter", help);
	for (unsigned int i = 0; i < h->n_sinks; i++) {
		opening(f, h, name);
		pair(f, "sink", h->sinks[i].name);
		if (h->sinks[i].c.where[0])
			pair(f, "collector", h->sinks[i].c.where);
		fprintf(f, "\"} %llu\n", (unsigned long long)*(const uint64_t *)
			((const char *)&h->sinks[i].c + off));
	}
}

/* The two loss reasons, per interface. */
static void losses(FILE *f, const struct xs_report *h)
{
	const char *n = "xdpsample_packets_lost_total";

	family(f, n, "counter", "Sampled packets lost in the kernel, by reason.");
	for (unsigned int i = 0; i < h->n_ifaces; i++) {
		if (h->ifs[i].gone)
			continue;
		series_if(f, h, n, i, ",reason=\"buffer_full\"",
			  h->ifs[i].k.ring_full);
		series_if(f, h, n, i, ",reason=\"copy_failed\"",
			  h->ifs[i].k.copy_fail);
	}
}

/* The families per interface: what the programs saw, chose and lost. */
static void write_ifaces(FILE *f, const struct xs_report *h)
{
	per_iface(f, h, "xdpsample_packets_seen_total",
		  "Packets the programs ran on (received, and sent with -Q out or inout).",
		  offsetof(struct xs_stats, seen), false);
	if (h->cfg.filter)
		per_iface(f, h, "xdpsample_packets_matched_total",
			  "Packets that matched the filter.",
			  offsetof(struct xs_stats, matched), false);
	per_iface(f, h, "xdpsample_packets_sampled_total",
		  "Packets the sampler chose.",
		  offsetof(struct xs_stats, sampled), false);
	losses(f, h);
	if (xs_dirs_has(h->cfg.dirs, XS_DIR_OUT)) {
		per_iface(f, h, "xdpsample_egress_packets_seen_total",
			  "Of the packets seen, those sent (tc egress).",
			  offsetof(struct xs_stats, seen), true);
		per_iface(f, h, "xdpsample_egress_packets_sampled_total",
			  "Of the packets sampled, those sent (tc egress).",
			  offsetof(struct xs_stats, sampled), true);
	}
}

/* One value per family for the whole capture. */
static void write_capture(FILE *f, const struct xs_report *h)
{
	family(f, "xdpsample_interface_dropped_total", "counter",
	       "Packets the interface itself dropped (rx_dropped).");
	for (unsigned int i = 0; i < h->n_ifaces; i++)
		if (!h->ifs[i].gone)
			series_if(f, h, "xdpsample_interface_dropped_total", i,
				  "", h->ifs[i].rx_dropped);
	family(f, "xdpsample_sample_rate", "gauge",
	       "The sampling rate: 1 packet in this many (-N auto: the highest a CPU samples at now).");
	series(f, h, "xdpsample_sample_rate", NULL, NULL, "", "%u", h->rate_now);
	family(f, "xdpsample_records_bad_total", "counter",
	       "Records from the kernel that failed the checks.");
	series(f, h, "xdpsample_records_bad_total", NULL, NULL, "", "%llu",
	       (unsigned long long)h->bad);
	family(f, "xdpsample_records_late_total", "counter",
	       "Records written out of time order.");
	series(f, h, "xdpsample_records_late_total", NULL, NULL, "", "%llu",
	       (unsigned long long)h->d.late);
	family(f, "xdpsample_buffer_fill_ratio", "gauge",
	       "How full the fullest CPU's buffer is (0 to 1).");
	series(f, h, "xdpsample_buffer_fill_ratio", NULL, NULL, "", "%.6f", h->fill);
}

static void write_all(FILE *f, const struct xs_report *h)
{
	write_ifaces(f, h);
	write_capture(f, h);
	per_sink(f, h, "xdpsample_sink_packets_total",
		 "Packets each sink delivered (file: written; sflow: exported).",
		 offsetof(struct xs_sink_counts, delivered));
	per_sink(f, h, "xdpsample_sink_errors_total",
		 "File: packets not written; sflow: datagrams not sent.",
		 offsetof(struct xs_sink_counts, errors));
	family(f, "xdpsample_start_time_seconds", "gauge",
	       "When the capture started, in seconds since the epoch.");
	series(f, h, "xdpsample_start_time_seconds", NULL, NULL, "", "%.3f",
	       h->start_s);
}

/* PATH is absent or a regular file: a rename never replaces anything else. */
static int replaceable(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	return S_ISREG(st.st_mode) ? 0 : -EEXIST;
}

static const char *why(int err)
{
	return err == -ELOOP ? "it is a symbolic link" :
	       err == -EEXIST ? "it is not a regular file" : strerror(-err);
}

/* The directory where path.tmp is made takes a file from uid/gid (-Z). */
static int dir_writable_by(const char *path, uid_t uid, gid_t gid)
{
	char *copy = strdup(path);
	struct stat st;
	int err = 0;

	if (!copy || stat(dirname(copy), &st))
		err = copy ? -errno : -ENOMEM;
	free(copy);
	if (err)
		return err;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid == uid)
		return st.st_mode & S_IWUSR ? 0 : -EACCES;
	if (st.st_gid == gid)
		return st.st_mode & S_IWGRP ? 0 : -EACCES;
	return st.st_mode & S_IWOTH ? 0 : -EACCES;
}

int xs_health_check(const char *path, bool other, uid_t uid, gid_t gid)
{
	char tmp[4096];
	int fd, err;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		err = -ENAMETOOLONG;
	else
		err = replaceable(path);
	xs_caps_user();
	fd = err ? -1 : open(tmp, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
			     0644);
	if (!err && fd < 0)
		err = -errno;
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	xs_caps_back();
	if (!err && other)
		err = dir_writable_by(path, uid, gid);
	if (err)
		pr_err("cannot write the statistics file '%s'%s: %s", path,
		       other && err == -EACCES ? " as the -Z user" : "",
		       why(err));
	return err;
}

int xs_health_write(const char *path, const struct xs_report *h)
{
	static int said;
	char tmp[4096];
	FILE *f;
	int fd, err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	xs_caps_user();
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0644);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		err = -errno;
		if (fd >= 0)
			close(fd);
	} else {
		write_all(f, h);
		if (fflush(f) || ferror(f))
			err = -errno ?: -EIO;
		if (fclose(f) && !err)
			err = -errno;
		/* Something other than a file put there since: left alone. */
		if (!err)
			err = replaceable(path);
		if (!err && rename(tmp, path))
			err = -errno;
		if (err)
			unlink(tmp);
	}
	xs_caps_back();
	/* Said once, not every few seconds: the capture goes on. */
	if (err && said != err) {
		pr_err("cannot write the statistics file '%s': %s", path,
		       why(err));
		said = err;
	}
	return err;
}

void xs_health_line(const struct xs_report *h)
{
	fprintf(stderr, "xdpsample: seen %llu, sampled %llu (1 in %u), lost %llu",
		(unsigned long long)h->all.seen,
		(unsigned long long)h->all.sampled, h->rate_now,
		(unsigned long long)xs_stats_lost(&h->all));
	for (unsigned int i = 0; i < h->n_sinks; i++)
		fprintf(stderr, ", %s %llu", !strcmp(h->sinks[i].name, "file") ?
			"written" : "exported",
			(unsigned long long)h->sinks[i].c.delivered);
	fprintf(stderr, ", buffer %.1f%% full\n", 100 * h->fill);
}

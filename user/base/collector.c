// SPDX-License-Identifier: GPL-2.0
/*
 * Exporters' addresses: a collector (--sflow, --ipfix HOST[:PORT]), an
 * agent (--sflow-agent), and the UDP send both use.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "user/base/log.h"
#include "user/base/collector.h"

/* Split COLLECTOR[:PORT]; [v6]:port, or a bare IPv6 address. */
static int split_host_port(const char *what, const char *spec, char *host,
			   size_t hlen, const char **port)
{
	const char *colon = strrchr(spec, ':');
	size_t n;

	*port = NULL;
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');

		if (!end || (end[1] && end[1] != ':'))
			return xs_bad_value(what, spec, "expected [ADDRESS]:PORT");
		n = end - spec - 1;
		*port = end[1] ? end + 2 : NULL;
		spec++;
	} else if (colon && strchr(spec, ':') == colon) {
		n = colon - spec;
		*port = colon + 1;
	} else {
		n = strlen(spec);	/* a name, IPv4, or bare IPv6 */
	}
	if (!n || n >= hlen)
		return xs_bad_value(what, spec, "no host");
	memcpy(host, spec, n);
	host[n] = '\0';
	return 0;
}

static int parse_port(const char *what, const char *spec, const char *p,
		      uint16_t *port)
{
	char *end;
	long v;

	if (!p)
		return 0;
	if (*p < '0' || *p > '9')
		return xs_bad_value(what, spec, "the port is not a number");
	errno = 0;
	v = strtol(p, &end, 10);
	if (*end || errno || v < 1 || v > 65535)
		return xs_bad_value(what, spec, "the port must be 1..65535");
	*port = (uint16_t)v;
	return 0;
}

int xs_collector_resolve(const char *what, const char *spec,
			 uint16_t port, struct sockaddr_storage *ss,
			 socklen_t *len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	const char *p;
	char host[256];
	int err;

	if (split_host_port(what, spec, host, sizeof(host), &p) ||
	    parse_port(what, spec, p, &port))
		return -EINVAL;
	err = getaddrinfo(host, NULL, &hints, &ai);
	if (err) {
		pr_err("cannot resolve %s '%s': %s", what, host,
		       gai_strerror(err));
		return -EINVAL;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	return 0;
}

int xs_ip_parse(const char *what, const char *s, struct xs_ip_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->bytes) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, s, a->bytes) == 1)
		a->family = AF_INET6;
	else
		return xs_bad_value(what, s, "not an IPv4 or IPv6 address");
	return 0;
}

int xs_route_source(int fd, struct xs_ip_addr *agent)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -errno;
	agent->family = ss.ss_family;
	if (ss.ss_family == AF_INET)
		memcpy(agent->bytes, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	else
		memcpy(agent->bytes, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		       16);
	return 0;
}

void xs_sockaddr_name(const struct sockaddr_storage *ss, char *buf,
		      size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)ss)->sin_addr, a,
			  sizeof(a));
		snprintf(buf, len, "%s:%u", a,
			 ntohs(((struct sockaddr_in *)ss)->sin_port));
	} else {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ss)->sin6_addr, a,
			  sizeof(a));
		snprintf(buf, len, "[%s]:%u", a,
			 ntohs(((struct sockaddr_in6 *)ss)->sin6_port));
	}
}

int xs_udp_connect(const char *what, const struct sockaddr_storage *ss,
		   socklen_t len, struct xs_ip_addr *source)
{
	const struct sockaddr *sa = (const struct sockaddr *)ss;
	char name[80];
	int fd, err;

	fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && !connect(fd, sa, len) &&
	    (!source || source->family || !xs_route_source(fd, source)))
		return fd;
	err = -errno;
	xs_sockaddr_name(ss, name, sizeof(name));
	pr_err("cannot reach %s %s: %s", what, name, strerror(errno));
	if (fd >= 0)
		close(fd);
	return err;
}

/*
 * A connected socket reports an earlier datagram's ICMP error on the next
 * send, which then does not go out: that error is counted (for the
 * earlier datagram) and this one sent again. The same error again is this
 * datagram's own (no route to the collector): counted once.
 */
bool xs_udp_send(int fd, const void *buf, size_t len,
		 struct xs_udp_errors *e)
{
	ssize_t n = send(fd, buf, len, 0);
	int first = errno;

	if (n < 0 && (first == ECONNREFUSED || first == EHOSTUNREACH ||
		      first == ENETUNREACH)) {
		n = send(fd, buf, len, 0);
		if (n >= 0 || errno != first) {
			e->n++;
			e->last_errno = first;
		}
	}
	if (n < 0) {
		e->n++;
		e->last_errno = errno;
	}
	return n >= 0;
}

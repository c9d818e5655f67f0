/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the exporters (sFlow, IPFIX) share: a collector's address from
 * COLLECTOR[:PORT], an agent address, and a UDP socket connected to the
 * collector whose refusals are counted, never fatal.
 */
#ifndef XDPSAMPLE_COLLECTOR_H
#define XDPSAMPLE_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct xs_ip_addr {
	int family;		/* AF_INET or AF_INET6; 0: not set */
	uint8_t bytes[16];
};

/* Datagrams a collector did not get, as far as this host can tell. */
struct xs_udp_errors {
	uint64_t n;
	int last_errno;
};

/*
 * COLLECTOR[:PORT] (an IPv6 address in brackets when a port follows; port
 * by default) to a socket address; a usage error naming what (printed,
 * -EINVAL) when it does not resolve or the port is not 1..65535.
 */
int xs_collector_resolve(const char *what, const char *spec, uint16_t port,
			 struct sockaddr_storage *ss, socklen_t *len);
/* An IPv4 or IPv6 literal; -EINVAL with a message naming what. */
int xs_ip_parse(const char *what, const char *s, struct xs_ip_addr *a);
/* The source address of the route connected socket fd uses. */
int xs_route_source(int fd, struct xs_ip_addr *src);
/* "ADDRESS:PORT" or "[ADDRESS]:PORT". */
void xs_sockaddr_name(const struct sockaddr_storage *ss, char *buf,
		      size_t len);
/*
 * A UDP socket connected to collector ss (in the namespace we are in);
 * source, when given and not set, gets the route's source address. The
 * socket, or -errno said in one line naming what.
 */
int xs_udp_connect(const char *what, const struct sockaddr_storage *ss,
		   socklen_t len, struct xs_ip_addr *source);
/* Send one datagram: true when it went; refusals are counted in e. */
bool xs_udp_send(int fd, const void *buf, size_t len,
		 struct xs_udp_errors *e);

#endif

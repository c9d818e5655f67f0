/* SPDX-License-Identifier: GPL-2.0 */
/* A UDP socket on 127.0.0.1 for the exporters' unit tests to read. */
#ifndef XDPSAMPLE_UNIT_UDP_H
#define XDPSAMPLE_UNIT_UDP_H

#include <arpa/inet.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

/* Bound to a port of its own, reads time out after 2 s: fd, or -1. */
static inline int listener(struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct timeval tv = { .tv_sec = 2 };

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*len = sizeof(*sin);
	if (fd < 0 || bind(fd, (struct sockaddr *)sin, *len) ||
	    getsockname(fd, (struct sockaddr *)ss, len))
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

#endif

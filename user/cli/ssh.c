// SPDX-License-Identifier: GPL-2.0
/*
 * SSH_CONNECTION, which sshd sets for the command it runs, names the
 * session's two ends; the session's packets are left out by a filter
 * expression (libpcap's, so IPv4 and IPv6, any link type, in XDP).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/cli/ssh.h"

/* An address sshd wrote: IPv4 or IPv6, nothing else. */
static bool address(const char *s)
{
	unsigned char b[16];

	return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

int xs_ssh_from_env(struct xs_ssh *s)
{
	const char *env = getenv("SSH_CONNECTION");
	char extra;

	if (!env)
		return -ENOENT;
	memset(s, 0, sizeof(*s));
	if (sscanf(env, "%63s %u %63s %u %c", s->client, &s->client_port,
		   s->server, &s->server_port, &extra) != 4 ||
	    !address(s->client) || !address(s->server) ||
	    !s->client_port || s->client_port > 65535 ||
	    !s->server_port || s->server_port > 65535)
		return -EINVAL;
	return 0;
}

int xs_ssh_filter(const struct xs_ssh *s, const char *user, char *buf,
		  size_t len)
{
	int n;

	n = snprintf(buf, len,
		     "%s%s%snot (tcp and ((src host %s and src port %u and dst host %s and dst port %u) or (src host %s and src port %u and dst host %s and dst port %u)))",
		     user ? "(" : "", user ? user : "", user ? ") and " : "",
		     s->client, s->client_port, s->server, s->server_port,
		     s->server, s->server_port, s->client, s->client_port);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

void xs_ssh_name(const struct xs_ssh *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s port %u and %s port %u", s->client,
		 s->client_port, s->server, s->server_port);
}

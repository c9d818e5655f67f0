/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SSH session our output travels back over (sshdump's remote capture,
 * or ssh host xdpsample -w - | wireshark -k -i -): left out of what is
 * sampled, or the sampler would sample its own output and, at 1 in 1, feed
 * on itself.
 */
#ifndef XDPSAMPLE_SSH_H
#define XDPSAMPLE_SSH_H

#include <stdbool.h>
#include <stddef.h>

struct xs_ssh {
	char client[64], server[64];	/* addresses, as SSH_CONNECTION has them */
	unsigned int client_port, server_port;
};

/*
 * SSH_CONNECTION ("CLIENT CPORT SERVER SPORT") into s: 0, -ENOENT when it
 * is not set, -EINVAL when it is not that.
 */
int xs_ssh_from_env(struct xs_ssh *s);
/*
 * The filter that keeps everything but the session's TCP packets, both
 * ways, with user's (NULL: none) before it: "(USER) and not (...)". 0, or
 * -ENOSPC when buf is too short.
 */
int xs_ssh_filter(const struct xs_ssh *s, const char *user, char *buf,
		  size_t len);
/* "10.0.0.1 port 50022 and 10.0.0.2 port 22" */
void xs_ssh_name(const struct xs_ssh *s, char *buf, size_t len);

#endif

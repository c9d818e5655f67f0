// SPDX-License-Identifier: GPL-2.0
/*
 * The netdev generic netlink family's dev-get, by hand: the family's id
 * from the controller, then one request for one device. Every length in
 * a reply is checked before the attribute is read.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "user/capture/features.h"

/* linux/netdev.h (Linux 6.3+): the family, its command, its attributes. */
#define NETDEV_FAMILY		"netdev"
#define NETDEV_CMD_DEV_GET	1
#define NETDEV_A_DEV_IFINDEX	1
#define NETDEV_A_DEV_XDP_FEATURES	3
#define NETDEV_A_DEV_XDP_RX_METADATA_FEATURES	5

struct msg {
	struct nlmsghdr nh;
	struct genlmsghdr g;
	char attrs[64];
};

/* Append attribute type with len bytes of data to m. */
static void put_attr(struct msg *m, uint16_t type, const void *data,
		     uint16_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)m + NLMSG_ALIGN(m->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nh.nlmsg_len = NLMSG_ALIGN(m->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/*
 * Send m on fd and take the one reply into buf: the attributes' start and
 * length, or -errno (the kernel's error, or a reply that does not hold).
 */
static int ask(int fd, struct msg *m, char *buf, size_t size,
	       const struct nlattr **attrs, size_t *len)
{
	const struct nlmsghdr *nh = (const void *)buf;
	ssize_t n;

	if (send(fd, m, m->nh.nlmsg_len, 0) != (ssize_t)m->nh.nlmsg_len)
		return -errno;
	n = recv(fd, buf, size, 0);
	if (n < 0)
		return -errno;
	if (n < (ssize_t)NLMSG_HDRLEN || !NLMSG_OK(nh, (size_t)n))
		return -EIO;
	if (nh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(nh);

		if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
			return -EIO;
		return e->error ? e->error : -EIO;
	}
	if (nh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return -EIO;
	*attrs = (const void *)((const char *)NLMSG_DATA(nh) + GENL_HDRLEN);
	*len = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return 0;
}

/* The payload of attribute type in attrs (len bytes), if it holds want
 * bytes at least; NULL if not. */
static const void *find_attr(const struct nlattr *attrs, size_t len,
			     uint16_t type, size_t want)
{
	const char *p = (const char *)attrs, *end = p + len;

	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return (size_t)(a->nla_len - NLA_HDRLEN) >= want ?
			       p + NLA_HDRLEN : NULL;
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

static void start(struct msg *m, uint16_t type, uint8_t cmd)
{
	memset(m, 0, sizeof(*m));
	m->nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nh.nlmsg_type = type;
	m->nh.nlmsg_flags = NLM_F_REQUEST;
	m->g.cmd = cmd;
	m->g.version = 1;
}

static int family_id(int fd, char *buf, size_t size)
{
	const struct nlattr *attrs;
	const uint16_t *id;
	struct msg m;
	size_t len;
	int err;

	start(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	put_attr(&m, CTRL_ATTR_FAMILY_NAME, NETDEV_FAMILY,
		 sizeof(NETDEV_FAMILY));
	err = ask(fd, &m, buf, size, &attrs, &len);
	if (err)
		return err;
	id = find_attr(attrs, len, CTRL_ATTR_FAMILY_ID, sizeof(*id));
	return id ? *id : -ENOENT;
}

static uint64_t u64_attr(const struct nlattr *attrs, size_t len,
			 uint16_t type, bool *found)
{
	const void *p = find_attr(attrs, len, type, sizeof(uint64_t));
	uint64_t v = 0;

	if (p)
		memcpy(&v, p, sizeof(v));
	*found = p != NULL;
	return v;
}

int xs_dev_features(uint32_t ifindex, struct xs_dev_features *f)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_GENERIC);
	const struct nlattr *attrs;
	char buf[8192];
	struct msg m;
	size_t len;
	int id;

	memset(f, 0, sizeof(*f));
	if (fd < 0)
		return -errno;
	id = family_id(fd, buf, sizeof(buf));
	if (id >= 0) {
		start(&m, (uint16_t)id, NETDEV_CMD_DEV_GET);
		put_attr(&m, NETDEV_A_DEV_IFINDEX, &ifindex, sizeof(ifindex));
		id = ask(fd, &m, buf, sizeof(buf), &attrs, &len);
	}
	close(fd);
	if (id < 0)
		return id;
	f->xdp = u64_attr(attrs, len, NETDEV_A_DEV_XDP_FEATURES, &f->known);
	f->rx_meta = u64_attr(attrs, len, NETDEV_A_DEV_XDP_RX_METADATA_FEATURES,
			      &f->meta_known);
	return 0;
}

void xs_rx_meta_names(uint64_t rx_meta, char *buf, size_t len)
{
	static const char *const name[] = { "timestamp", "hash", "vlan-tag" };
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < 3; i++)
		if (rx_meta & (1ULL << i) && at < len)
			at += (size_t)snprintf(buf + at, len - at, "%s%s",
					       at ? "," : "", name[i]);
	if (!at)
		snprintf(buf, len, "-");
}

// SPDX-License-Identifier: GPL-2.0
/*
 * xs-vlanpush NETNS IFACE in|out TPID TCI [INNER_TCI [MIN_LEN]]: attach
 * build/tc_vlan_push.bpf.o to IFACE in NETNS at tc ingress or egress (a
 * tcx link, so that it runs before a tcx program attached after it), say
 * "attached" on stderr, and hold it until SIGINT or SIGTERM. TPID, TCI
 * and INNER_TCI as numbers (0x88a8, 0x6064; INNER_TCI 0: none); frames
 * shorter than MIN_LEN bytes are left untagged.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define TCX_INGRESS 46
#define TCX_EGRESS 47

/* tc_vlan_push.bpf.c's .rodata, in its order. */
struct cfg {
	unsigned short tpid, tci, inner_tci;
	unsigned int min_len;
};

static void die(const char *what)
{
	fprintf(stderr, "xs-vlanpush: %s\n", what);
	exit(1);
}

static unsigned short num(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (*end || v > 0xffff)
		die("a TPID or TCI is a 16-bit number");
	return (unsigned short)v;
}

static void enter(const char *netns)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", netns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die("cannot enter the namespace");
	close(fd);
}

static void on_signal(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	char obj_path[PATH_MAX], *slash;
	struct bpf_object *obj;
	struct bpf_program *p;
	struct bpf_map *ro;
	struct cfg c;
	const void *init;
	size_t size;
	int ifindex, fd;

	if (argc < 6 || argc > 8 || (strcmp(argv[3], "in") && strcmp(argv[3], "out")))
		die("usage: xs-vlanpush NETNS IFACE in|out TPID TCI [INNER_TCI [MIN_LEN]]");
	/* The object beside this binary, in build/. */
	if (!realpath("/proc/self/exe", obj_path) || !(slash = strrchr(obj_path, '/')))
		die("cannot find build/");
	snprintf(slash + 1, sizeof(obj_path) - (size_t)(slash + 1 - obj_path),
		 "tc_vlan_push.bpf.o");
	enter(argv[1]);
	ifindex = (int)if_nametoindex(argv[2]);
	if (!ifindex)
		die("no such interface");
	obj = bpf_object__open_file(obj_path, NULL);
	if (!obj)
		die("cannot open tc_vlan_push.bpf.o");
	ro = bpf_object__find_map_by_name(obj, ".rodata");
	init = ro ? bpf_map__initial_value(ro, &size) : NULL;
	if (!init || size != sizeof(c))
		die("no .rodata of the program's");
	memset(&c, 0, sizeof(c));
	c.tpid = num(argv[4]);
	c.tci = num(argv[5]);
	c.inner_tci = argc >= 7 ? num(argv[6]) : 0;
	c.min_len = argc >= 8 ? num(argv[7]) : 0;
	if (bpf_map__set_initial_value(ro, &c, sizeof(c)))
		die("cannot set the tag");
	if (bpf_object__load(obj))
		die("cannot load the program");
	p = bpf_object__find_program_by_name(obj, "xs_vlan_push");
	fd = bpf_link_create(bpf_program__fd(p), ifindex,
			     strcmp(argv[3], "in") ? TCX_EGRESS : TCX_INGRESS, NULL);
	if (fd < 0)
		die(strerror(errno));
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "attached\n");
	pause();
	close(fd);
	bpf_object__close(obj);
	return 0;
}

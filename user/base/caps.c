// SPDX-License-Identifier: GPL-2.0
/* The user's rights for user-named paths; capabilities through libcap. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/capability.h>
#include <sys/stat.h>

#include "user/base/caps.h"
#include "user/base/log.h"

static cap_t saved;	/* the capabilities while the user's rights apply */

void xs_caps_user(void)
{
	cap_t none;

	/* Root's rights are root's; nothing to lower without capabilities. */
	if (saved || getuid() == 0 || !(saved = cap_get_proc()))
		return;
	none = cap_dup(saved);
	if (none && !cap_clear_flag(none, CAP_EFFECTIVE))
		cap_set_proc(none);
	cap_free(none);
}

void xs_caps_back(void)
{
	if (!saved)
		return;
	cap_set_proc(saved);
	cap_free(saved);
	saved = NULL;
}

int xs_caps_drop(void)
{
	cap_t none = cap_init();
	int err = 0;

	if (!none || cap_set_proc(none))
		err = -errno;
	cap_free(none);
	return err;
}

bool xs_caps_have(int cap)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t now = cap_get_proc();

	if (now)
		cap_get_flag(now, (cap_value_t)cap, CAP_EFFECTIVE, &v);
	cap_free(now);
	return v == CAP_SET;
}

/* The whole of a regular file of at most max bytes, from fd. */
static char *read_all(int fd, size_t max, const char *what, const char *path)
{
	struct stat st;
	ssize_t n;
	char *s;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		pr_err("cannot read %s '%s': not a regular file", what, path);
		return NULL;
	}
	if ((size_t)st.st_size > max) {
		pr_err("cannot read %s '%s': larger than %zu bytes", what, path,
		       max);
		return NULL;
	}
	s = malloc(st.st_size + 1);
	n = s ? read(fd, s, st.st_size) : -1;
	if (n < 0 || n != st.st_size) {
		pr_err("cannot read %s '%s': %s", what, path,
		       n < 0 ? strerror(errno) : "it changed while read");
		free(s);
		return NULL;
	}
	s[n] = '\0';
	return s;
}

char *xs_user_read(const char *path, size_t max, const char *what)
{
	char *s = NULL;
	int fd;

	xs_caps_user();
	/* O_NONBLOCK: a FIFO must not hang us before it is refused. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	xs_caps_back();
	if (fd < 0) {
		pr_err("cannot read %s '%s': %s", what, path, strerror(errno));
		return NULL;
	}
	s = read_all(fd, max, what, path);
	close(fd);
	return s;
}

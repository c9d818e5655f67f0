// SPDX-License-Identifier: GPL-2.0
/* The captured interfaces' places: reserved once, used one by one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/base/iface.h"

int xs_ifaces_init(struct xs_ifaces *ifs)
{
	/* Large enough to come straight from mmap: untouched pages cost
	 * nothing, so memory grows with the interfaces used. */
	ifs->at = calloc(XS_MAX_IFACES, sizeof(*ifs->at));
	ifs->n = 0;
	return ifs->at ? 0 : -ENOMEM;
}

void xs_ifaces_free(struct xs_ifaces *ifs)
{
	free(ifs->at);
	ifs->at = NULL;
	ifs->n = 0;
}

int xs_ifaces_add(struct xs_ifaces *ifs)
{
	if (!ifs->at || ifs->n >= XS_MAX_IFACES)
		return -ENOSPC;
	memset(&ifs->at[ifs->n], 0, sizeof(ifs->at[0]));
	return (int)ifs->n++;
}

int xs_ifaces_find(const struct xs_ifaces *ifs, int ns, uint32_t ifindex)
{
	for (unsigned int i = 0; i < ifs->n; i++)
		if (!ifs->at[i].gone && ifs->at[i].ns == ns &&
		    ifs->at[i].ifindex == ifindex)
			return (int)i;
	return -ENOENT;
}

const char *xs_iface_label(const struct xs_iface *f, char *buf, size_t len)
{
	if (f->netns[0])
		snprintf(buf, len, "%s (namespace %s)", f->name, f->netns);
	else
		snprintf(buf, len, "%s", f->name);
	return buf;
}

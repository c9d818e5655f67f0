/* SPDX-License-Identifier: GPL-2.0 */
/* The version xdpsample and xdpsample-compare say, and files record. */
#ifndef XDPSAMPLE_VERSION_H
#define XDPSAMPLE_VERSION_H

#define XS_VERSION "0.2.0"

#endif

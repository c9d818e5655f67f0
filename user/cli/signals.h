/* SPDX-License-Identifier: GPL-2.0 */
/* tcpdump's signals, as flags the capture loop reads. */
#ifndef XDPSAMPLE_SIGNALS_H
#define XDPSAMPLE_SIGNALS_H

#include <signal.h>

/* Set by the handlers only; the loop reads them and clears the last two. */
extern volatile sig_atomic_t xs_sig_stop;	/* end the capture cleanly */
extern volatile sig_atomic_t xs_sig_stats;	/* SIGUSR1: counts so far */
extern volatile sig_atomic_t xs_sig_flush;	/* SIGUSR2: flush the files */

/*
 * SIGUSR1 prints the statistics so far, SIGUSR2 flushes the files. Every
 * other signal whose default would end the process, and leave the program
 * attached, ends the capture cleanly instead (detach, drain, close,
 * summary, exit 0): SIGHUP is what a capture gets when its ssh session
 * drops. A full pipe (SIGPIPE) or a file size limit (SIGXFSZ) is a write
 * error that says so. Only faults (SIGSEGV, SIGBUS, SIGILL, SIGFPE,
 * SIGABRT, SIGSYS, SIGTRAP) and SIGKILL end it as they are: a bpf_link goes
 * with the process, what a dispatcher holds the next start removes.
 */
void xs_signals_setup(void);

#endif

// SPDX-License-Identifier: GPL-2.0
/* The handlers only set a flag; the poll loop wakes on a timeout. */
#include <stddef.h>

#include "user/cli/signals.h"

volatile sig_atomic_t xs_sig_stop, xs_sig_stats, xs_sig_flush;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		xs_sig_stats = 1;
	else if (sig == SIGUSR2)
		xs_sig_flush = 1;
	else
		xs_sig_stop = 1;
}

void xs_signals_setup(void)
{
	static const int ends[] = {
		SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGVTALRM, SIGPROF,
		SIGXCPU, SIGIO, SIGPWR, SIGSTKFLT, SIGUSR1, SIGUSR2,
	};
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
		sigaction(ends[i], &sa, NULL);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		sigaction(sig, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
}

# xdpsample — build, test, demo, bench. `make V=1` shows the commands.
#
# Every object is built by one rule over a mirror of the source tree under
# build/ (build/user/capture/loader.o from user/capture/loader.c), with -MMD
# so that it depends on exactly the headers it includes; the sanitizer build
# is the same rule under build/san/. Sources and unit tests come from
# wildcards: a new file is picked up without editing this file.
OUT       := build
SAN_DIR   := $(OUT)/san
CLANG     ?= clang
BPFTOOL   ?= bpftool
CC        ?= cc
ARCH_INC  := /usr/include/$(shell $(CC) -dumpmachine)
PKGS      := libxdp libbpf libpcap libcap zlib libzstd liblz4

CFLAGS    ?= -g -O2
# Deferred (=): on a fresh machine pkg-config exists only once deps has run.
CFLAGS    += -Wall -Wextra -std=gnu11 -I. -I$(OUT) -MMD -MP \
	     $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
BPF_CFLAGS := -g -O2 -target bpf -Wall -I$(ARCH_INC) -I. -MMD -MP
SAN_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	     -fno-sanitize-recover=all

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# Everything but the mains is a library the tools and unit tests link.
CMP_MAIN  := user/compare/main.c
LIB_SRCS  := $(sort $(filter-out $(CMP_MAIN),$(wildcard user/*/*.c pcap/*.c)))
LIB_OBJS  := $(LIB_SRCS:%.c=$(OUT)/%.o)
SAN_OBJS  := $(LIB_SRCS:%.c=$(SAN_DIR)/%.o)
BIN       := $(OUT)/xdpsample
CMP_BIN   := $(OUT)/xdpsample-compare
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT      := $(UNIT_SRCS:tests/unit/%.c=$(OUT)/tests/%)
SAN_UNIT  := $(UNIT_SRCS:tests/unit/%.c=$(SAN_DIR)/tests/%)
TOOLS     := $(OUT)/xs-send $(OUT)/xs-pcapcmp $(OUT)/xs-corpus $(OUT)/xs-tun \
	     $(OUT)/xs-flows $(OUT)/xs-gen $(OUT)/xs-vlanpush \
	     $(OUT)/xs-progcost $(OUT)/xs-mergecost
TEST_BPF  := $(OUT)/xdp_pass.bpf.o $(OUT)/xdp_drop_odd.bpf.o $(OUT)/xdp_drop.bpf.o \
	     $(OUT)/tc_drop_port.bpf.o $(OUT)/tc_pass.bpf.o $(OUT)/tc_vlan_push.bpf.o
# The libFuzzer target: the record checks and the file writers.
FUZZ      := $(OUT)/fuzz_record
FUZZ_SRCS := user/capture/record.c user/capture/merge.c user/base/clock.c user/base/log.c \
	     user/base/iface.c \
	     user/base/caps.c \
	     user/capture/sink.c $(wildcard pcap/*.c)

# make install: the binary, the man page, and the link that makes it a
# Wireshark extcap, in the folder tshark names (4.0, 4.2 and 4.4 differ).
PREFIX    ?= /usr/local
DESTDIR   ?=
SBINDIR   := $(PREFIX)/sbin
MAN8DIR   := $(PREFIX)/share/man/man8
MAN1DIR   := $(PREFIX)/share/man/man1
BINDIR    := $(PREFIX)/bin
# The agent's systemd unit and an example config (deploy/).
UNITDIR   ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
DOCDIR    := $(PREFIX)/share/doc/xdpsample
WS_EXTCAP := $(shell tshark -G folders 2>/dev/null | \
		sed -n 's/^Extcap path:[[:space:]]*//p' | head -1)
# Its Lua plugin folder: the fields of deploy/wireshark/xdpsample.lua.
WS_LUA    := $(shell tshark -G folders 2>/dev/null | \
		sed -n 's/^Global Lua Plugins:[[:space:]]*//p' | head -1)
# Wireshark's own extcap folder when PREFIX is the default or holds it; a
# PREFIX of one's own keeps the link inside it, as it keeps everything.
ifeq ($(origin PREFIX),file)
EXTCAP_DIR ?= $(WS_EXTCAP)
else
EXTCAP_DIR ?= $(if $(filter $(PREFIX)/%,$(WS_EXTCAP)),$(WS_EXTCAP),$(PREFIX)/lib/wireshark/extcap)
endif
# The plugin the same way.
ifeq ($(origin PREFIX),file)
LUA_DIR ?= $(WS_LUA)
else
LUA_DIR ?= $(if $(filter $(PREFIX)/%,$(WS_LUA)),$(WS_LUA),$(PREFIX)/lib/wireshark/plugins)
endif
# make install-caps, opt-in as Debian's dumpcap: members of CAPTURE_GROUP
# capture without root. The smallest set: load (BPF, PERFMON for the perf
# buffers), attach (NET_ADMIN); given up once attached. No SYS_ADMIN (the
# program is a bpf_link, no dispatcher, an interface with a program is
# refused), no SYS_PTRACE (docs/wireshark.md).
CAPTURE_GROUP ?= wireshark
CAPS      := cap_bpf,cap_net_admin,cap_perfmon+ep

.PHONY: all deps test-deps test demo clean sanitize fuzz soak bench install uninstall \
	install-caps
.DELETE_ON_ERROR:
.SECONDARY:

all: $(BIN) $(CMP_BIN) $(UNIT) $(TOOLS) $(TEST_BPF)

# What building and running need (make demo); test-deps adds what the tests
# use beside: the collectors, a database, the oracles' tools.
deps:
	$(Q)./netns-scripts/deps.sh

test-deps:
	$(Q)./netns-scripts/deps.sh --test

$(OUT)/%.bpf.o: xdp/%.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/%.bpf.o: tests/bpf/%.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/%.bpf.o: bench/%.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@ 2> $@.log || \
		{ cat $@.log; exit 1; }

# The skeletons are generated: -MMD cannot know of them before the first
# build. loader_priv.h includes the sampler's, attach.c the probe's.
SKEL_USERS := $(foreach d,$(OUT) $(SAN_DIR),$(d)/user/capture/loader.o \
	      $(d)/user/capture/attach.o)
$(SKEL_USERS): $(OUT)/sampler.skel.h $(OUT)/probe.skel.h

$(OUT)/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(SAN_DIR)/%.o: %.c
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(BIN): $(OUT)/user/main.o $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

# Reads files only: no BPF, no privileges, installed in bin/.
$(CMP_BIN): $(OUT)/$(CMP_MAIN:.c=.o) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(OUT)/tests/%: tests/unit/%.c $(LIB_OBJS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itests/unit $< $(LIB_OBJS) $(LDLIBS) -o $@

$(SAN_DIR)/tests/%: tests/unit/%.c $(SAN_OBJS)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) -Itests/unit $< $(SAN_OBJS) $(LDLIBS) -o $@

$(OUT)/xs-progcost: bench/xs-progcost.c $(LIB_OBJS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(LIB_OBJS) $(LDLIBS) -lpthread -o $@

$(OUT)/xs-mergecost: bench/xs-mergecost.c $(LIB_OBJS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(LIB_OBJS) $(LDLIBS) -o $@

$(OUT)/xs-gen: bench/xs-gen.c $(OUT)/gen.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Inetns-scripts $< $(LDLIBS) -o $@

$(OUT)/xs-send: netns-scripts/xs-send.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $< -o $@

$(OUT)/xs-%: tests/tools/xs-%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $< $(LDLIBS) -o $@

$(FUZZ): tests/fuzz/fuzz_record.c $(FUZZ_SRCS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -g -O1 -Wall -I. -I$(OUT) -MMD -MP \
		-fsanitize=fuzzer,address,undefined $< $(FUZZ_SRCS) \
		$(LDLIBS) -o $@

sanitize: $(SAN_UNIT)

# A longer fuzzing run than the one in `make test`: FUZZ_SECONDS=600.
FUZZ_SECONDS ?= 300
fuzz: test-deps $(FUZZ)
	$(Q)mkdir -p $(OUT)/fuzz-corpus
	$(Q)$(FUZZ) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(OUT)/fuzz-corpus

# Not part of `make test` (a smoke version is): see bench/README.md.
bench: test-deps all
	$(Q)./netns-scripts/deps.sh --test gnuplot-nox
	$(Q)./bench/run.sh

# Five minutes at full rate per sampling rate, RSS and fds sampled every 10 s.
soak: test-deps all
	$(Q)./tests/e2e/soak.sh 300 10

test: test-deps all sanitize $(FUZZ)
	$(Q)./tests/run.sh

install: $(BIN) $(CMP_BIN)
	$(Q)install -D -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/xdpsample
	$(Q)install -D -m 0644 user/cli/xdpsample.8 $(DESTDIR)$(MAN8DIR)/xdpsample.8
	$(Q)install -D -m 0755 $(CMP_BIN) $(DESTDIR)$(BINDIR)/xdpsample-compare
	$(Q)install -D -m 0644 user/compare/xdpsample-compare.1 $(DESTDIR)$(MAN1DIR)/xdpsample-compare.1
	$(Q)mkdir -p $(DESTDIR)$(UNITDIR)
	$(Q)sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		deploy/xdpsample@.service >$(DESTDIR)$(UNITDIR)/xdpsample@.service
	$(Q)install -D -m 0644 deploy/agent.conf.example $(DESTDIR)$(DOCDIR)/agent.conf.example
	$(Q)install -D -m 0644 deploy/node.conf.example $(DESTDIR)$(DOCDIR)/node.conf.example
	$(Q)if [ -n "$(EXTCAP_DIR)" ]; then \
		mkdir -p $(DESTDIR)$(EXTCAP_DIR) && \
		ln -sf $(SBINDIR)/xdpsample $(DESTDIR)$(EXTCAP_DIR)/xdpsample; \
	else \
		echo "install: tshark does not say where its extcap folder is: no Wireshark link (docs/wireshark.md)"; \
	fi
	$(Q)if [ -n "$(LUA_DIR)" ]; then \
		install -D -m 0644 deploy/wireshark/xdpsample.lua $(DESTDIR)$(LUA_DIR)/xdpsample.lua; \
	else \
		echo "install: tshark does not say where its Lua plugins go: no xdpsample.* fields (docs/wireshark.md)"; \
	fi

uninstall:
	$(Q)rm -f $(DESTDIR)$(SBINDIR)/xdpsample $(DESTDIR)$(MAN8DIR)/xdpsample.8 \
		$(DESTDIR)$(BINDIR)/xdpsample-compare $(DESTDIR)$(MAN1DIR)/xdpsample-compare.1 \
		$(DESTDIR)$(UNITDIR)/xdpsample@.service $(DESTDIR)$(DOCDIR)/agent.conf.example \
		$(DESTDIR)$(DOCDIR)/node.conf.example
	$(Q)[ -z "$(EXTCAP_DIR)" ] || rm -f $(DESTDIR)$(EXTCAP_DIR)/xdpsample
	$(Q)[ -z "$(LUA_DIR)" ] || rm -f $(DESTDIR)$(LUA_DIR)/xdpsample.lua

# chgrp clears file capabilities: the group and mode first.
install-caps: install
	$(Q)getent group $(CAPTURE_GROUP) >/dev/null || groupadd --system $(CAPTURE_GROUP)
	$(Q)chgrp $(CAPTURE_GROUP) $(DESTDIR)$(SBINDIR)/xdpsample
	$(Q)chmod 0750 $(DESTDIR)$(SBINDIR)/xdpsample
	$(Q)setcap $(CAPS) $(DESTDIR)$(SBINDIR)/xdpsample

demo: deps all
	$(Q)./netns-scripts/demo.sh

clean:
	$(Q)rm -rf $(OUT) demo.pcap

-include $(shell find $(OUT) -name '*.d' 2>/dev/null)

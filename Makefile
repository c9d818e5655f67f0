# xdpsample — build, test, demo, bench. `make V=1` shows the commands.
OUT       := build
CLANG     ?= clang
BPFTOOL   ?= bpftool
CC        ?= cc
ARCH_INC  := /usr/include/$(shell $(CC) -dumpmachine)

CFLAGS    ?= -g -O2
CFLAGS    += -Wall -Wextra -std=gnu11 -I$(OUT) -Ixdp -Iuser -Ipcap
LDLIBS    := -lxdp -lbpf -lelf -lz -lpcap -lm
BPF_CFLAGS := -g -O2 -target bpf -Wall -I$(ARCH_INC) -Ixdp

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

USER_OBJS := $(addprefix $(OUT)/,options.o loader.o drain.o stats.o privs.o \
	       stream.o pcap_writer.o pcapng_writer.o rotate.o output.o)
BIN       := $(OUT)/xdpsample
UNIT      := $(addprefix $(OUT)/tests/,test_record test_options test_output \
	       test_rotate test_prog)
TOOLS     := $(OUT)/xs-send $(OUT)/xs-pcapcmp

.PHONY: all deps test demo clean
.DELETE_ON_ERROR:

all: $(BIN) $(UNIT) $(TOOLS) $(OUT)/xdp_pass.bpf.o

deps:
	$(Q)./netns-scripts/deps.sh

$(OUT) $(OUT)/tests:
	$(Q)mkdir -p $@

$(OUT)/%.bpf.o: xdp/%.bpf.c xdp/sample.h | $(OUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/%.bpf.o: tests/bpf/%.bpf.c | $(OUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/sampler.skel.h: $(OUT)/sampler.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name sampler > $@ 2> $@.log || \
		{ cat $@.log; exit 1; }

$(OUT)/loader.o: $(OUT)/sampler.skel.h

$(OUT)/%.o: user/%.c $(wildcard user/*.h pcap/*.h) xdp/sample.h | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUT)/%.o: pcap/%.c $(wildcard pcap/*.h) | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BIN): $(OUT)/main.o $(USER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(OUT)/tests/%: tests/unit/%.c tests/unit/unit.h $(USER_OBJS) | $(OUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/unit $< $(USER_OBJS) $(LDLIBS) -o $@

$(OUT)/xs-send: netns-scripts/xs-send.c xdp/sample.h | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@

$(OUT)/xs-pcapcmp: tests/tools/xs-pcapcmp.c | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -lpcap -o $@

test: deps all
	$(Q)./tests/run.sh

demo: deps all
	$(Q)./netns-scripts/demo.sh

clean:
	$(Q)rm -rf $(OUT) demo.pcap

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

USER_OBJS := $(addprefix $(OUT)/,options.o filter.o filter_ebpf.o sflow.o loader.o drain.o \
	       stats.o privs.o \
	       stream.o pcap_writer.o pcapng_writer.o rotate.o output.o)
BIN       := $(OUT)/xdpsample
UNIT      := $(addprefix $(OUT)/tests/,test_record test_options test_output \
	       test_rotate test_prog test_filter test_sflow)
TOOLS     := $(OUT)/xs-send $(OUT)/xs-pcapcmp $(OUT)/xs-corpus $(OUT)/xs-gen \
	     $(OUT)/xs-progcost

# Sanitized builds: unit tests under ASan+UBSan, and the libFuzzer target.
SAN_DIR   := $(OUT)/san
SAN_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	     -fno-sanitize-recover=all
SAN_OBJS  := $(patsubst $(OUT)/%,$(SAN_DIR)/%,$(USER_OBJS))
SAN_UNIT  := $(patsubst $(OUT)/tests/%,$(SAN_DIR)/tests/%,$(UNIT))
FUZZ      := $(OUT)/fuzz_record
FUZZ_SRCS := user/drain.c pcap/output.c pcap/stream.c pcap/rotate.c \
	     pcap/pcap_writer.c pcap/pcapng_writer.c

.PHONY: all deps test demo clean sanitize fuzz soak bench
.DELETE_ON_ERROR:
.SECONDARY: $(SAN_OBJS) $(OUT)/sampler.bpf.o $(OUT)/gen.bpf.o

all: $(BIN) $(UNIT) $(TOOLS) $(OUT)/xdp_pass.bpf.o $(OUT)/xdp_drop_odd.bpf.o \
     $(OUT)/xdp_drop.bpf.o

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

$(OUT)/%.bpf.o: bench/%.bpf.c | $(OUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@ 2> $@.log || \
		{ cat $@.log; exit 1; }

$(OUT)/xs-progcost: bench/xs-progcost.c $(USER_OBJS) | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(USER_OBJS) $(LDLIBS) -o $@

$(OUT)/xs-gen: bench/xs-gen.c $(OUT)/gen.skel.h netns-scripts/xs-tool.h | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Inetns-scripts $< -lbpf -lelf -lz -o $@

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

$(OUT)/xs-send: netns-scripts/xs-send.c netns-scripts/xs-tool.h | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@

$(OUT)/xs-%: tests/tools/xs-%.c | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -lpcap -o $@

$(SAN_DIR) $(SAN_DIR)/tests:
	$(Q)mkdir -p $@

$(SAN_DIR)/loader.o: $(OUT)/sampler.skel.h

$(SAN_DIR)/%.o: user/%.c $(wildcard user/*.h pcap/*.h) xdp/sample.h | $(SAN_DIR)
	$(call msg,CC-SAN,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(SAN_DIR)/%.o: pcap/%.c $(wildcard pcap/*.h) | $(SAN_DIR)
	$(call msg,CC-SAN,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(SAN_DIR)/tests/%: tests/unit/%.c tests/unit/unit.h $(SAN_OBJS) | $(SAN_DIR)/tests
	$(call msg,CC-SAN,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) -Itests/unit $< $(SAN_OBJS) $(LDLIBS) -o $@

$(FUZZ): tests/fuzz/fuzz_record.c $(FUZZ_SRCS) $(wildcard user/*.h pcap/*.h) | $(OUT)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) -g -O1 -Wall -I$(OUT) -Ixdp -Iuser -Ipcap \
		-fsanitize=fuzzer,address,undefined $< $(FUZZ_SRCS) \
		-lbpf -lpcap -o $@

sanitize: $(SAN_UNIT)

# A longer fuzzing run than the one in `make test`: FUZZ_SECONDS=600.
FUZZ_SECONDS ?= 300
fuzz: deps $(FUZZ)
	$(Q)mkdir -p $(OUT)/fuzz-corpus
	$(Q)$(FUZZ) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(OUT)/fuzz-corpus

# Not part of `make test` (a smoke version is): see README, Performance.
bench: deps all
	$(Q)./netns-scripts/deps.sh gnuplot-nox
	$(Q)./bench/run.sh

# Five minutes at full rate per sampling rate, RSS and fds sampled every 10 s.
soak: deps all
	$(Q)./tests/e2e/soak.sh 300 10

test: deps all sanitize $(FUZZ)
	$(Q)./tests/run.sh

demo: deps all
	$(Q)./netns-scripts/demo.sh

clean:
	$(Q)rm -rf $(OUT) demo.pcap

-- SPDX-License-Identifier: GPL-2.0
--
-- xdpsample's fields for Wireshark and tshark: what each packet of a
-- sampled pcapng file stands for, so that statistics can be scaled back to
-- the traffic. An IO graph of SUM(xdpsample.weight) estimates the packet
-- rate the interface carried; COUNT(frame) is only the samples.
--
-- Read from what xdpsample writes, which is stable (docs/wireshark.md):
--   the packet's comment       "sample 1/N" or "flow sample 1/N flows"
--                              (N: the rate that packet was taken at, also
--                              under -N auto, where it changes)
--   its interface description  "xdpsample: ... sample 1/N at random",
--                              "... by count", "... auto from 1/N ...",
--                              "flow sample 1/N flows ..., seed 0x...",
--                              "... sample 1/N by packet hash..., seed 0x..."
--   its epb_flags              inbound or outbound
-- Packets of other files (or other interfaces) get no fields.
--
-- Installed by make install into the Lua plugin folder tshark -G folders
-- names; or: tshark -X lua_script:deploy/wireshark/xdpsample.lua ...

local proto = Proto("xdpsample", "xdpsample sampling")

local f_rate = ProtoField.uint32("xdpsample.rate", "Sampled 1 in",
	base.DEC, nil, nil, "the rate this packet was taken at")
local f_weight = ProtoField.uint32("xdpsample.weight", "Weight",
	base.DEC, nil, nil,
	"the packets (flows: of chosen flows) this one stands for: the inverse of the probability it was taken with")
local f_mode = ProtoField.string("xdpsample.mode", "Selection",
	base.ASCII, "random, count, flow or packet; ', auto' when -N auto set the rate")
local f_dir = ProtoField.string("xdpsample.direction", "Direction",
	base.ASCII, "in (received, XDP) or out (sent, tc egress)")
local f_seed = ProtoField.string("xdpsample.seed", "Flow key seed",
	base.ASCII, "--sample flow's or packet's --seed: the same on every host that used it")

proto.fields = { f_rate, f_weight, f_mode, f_dir, f_seed }

local comment_f = Field.new("frame.comment")
local descr_f = Field.new("frame.interface_description")
local dir_f = Field.new("frame.packet_flags_direction")

-- The rate in one of the packet's comments, and whether it is a flow's.
local function rate_of()
	for _, c in ipairs({ comment_f() }) do
		local s = tostring(c.value)
		local flow = s:match("^flow sample 1/(%d+) flows$")
		if flow then
			return tonumber(flow), true
		end
		local n = s:match("^sample 1/(%d+)$")
		if n then
			return tonumber(n), false
		end
	end
	return nil
end

function proto.dissector(tvb, pinfo, tree)
	local d = descr_f()
	if not d then
		return
	end
	local descr = tostring(d.value)
	if not descr:find("^xdpsample: ") then
		return
	end
	local rate, flow = rate_of()
	if not rate or rate < 1 then
		return
	end
	local mode = flow and "flow" or
		(descr:find(" by count", 1, true) and "count" or
		 descr:find(" by packet hash", 1, true) and "packet" or "random")
	if descr:find("sample auto from ", 1, true) then
		mode = mode .. ", auto"
	end
	local t = tree:add(proto, tvb(0, 0), "xdpsample: sampled 1 in " .. rate)
	t:add(f_rate, rate)
	t:add(f_weight, rate)
	t:add(f_mode, mode)
	local dir = dir_f()
	if dir and dir.value == 1 then
		t:add(f_dir, "in")
	elseif dir and dir.value == 2 then
		t:add(f_dir, "out")
	end
	local seed = descr:match(", seed (0x%x+)")
	if seed then
		t:add(f_seed, seed)
	end
end

register_postdissector(proto)

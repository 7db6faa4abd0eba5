-- wrk_slices.lua: what the load scripts share (loaded with dofile after
-- wrk_report.lua): wrk threads numbered 0.. as they are set up (the
-- global `id` in each thread), and each thread's own slice of the work,
-- the lines of PREFIX<id>, so that no two connections send the same thing.

local counter = 0

function setup(thread)
    thread:set("id", counter)
    counter = counter + 1
end

-- The lines of this thread's file PREFIX<id>, in order.
function read_slice(prefix)
    local lines = {}
    for line in io.lines(prefix .. id) do
        table.insert(lines, line)
    end
    return lines
end

-- History pages interleave membership changes with messages: find them without scanning every event of the room.
CREATE INDEX "room_events_membership_idx" ON "room_events" USING btree ("room_id","seq") WHERE "room_events"."type" like 'member.%';

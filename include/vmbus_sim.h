/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the simulated host (vmbus_sim) offers to tests running in the same
 * kernel: steering the host the way its debugfs files do, and reading what
 * it saw.  Documentation/vmbus_sim.md describes each.
 */
#ifndef _VMBUS_SIM_H
#define _VMBUS_SIM_H

#include <linux/types.h>

int vmbus_sim_reconnect(const char *version);
int vmbus_sim_offer(const char *kind);
int vmbus_sim_rescind(u32 relid);
int vmbus_sim_violations(const char *kind);
u32 vmbus_sim_msg_count(u32 msgtype);
int vmbus_sim_fault(const char *mode);
int vmbus_sim_storvsp(const char *cmd);
int vmbus_sim_netvsp(const char *cmd);

#endif /* _VMBUS_SIM_H */

// The fault drill and its child process share one installation and one port range.
export const DRILL_PORTS = { start: 57300, end: 57499 };

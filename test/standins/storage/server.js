// Storage stand-in: like storage-api with STORAGE_BACKEND=file, fail at start
// when the backend path is not writable, then serve the echo stand-in.
"use strict";
const fs = require("fs");
const dir = process.env.FILE_STORAGE_BACKEND_PATH || "/var/lib/storage";
fs.mkdirSync(dir, { recursive: true });
fs.accessSync(dir, fs.constants.W_OK);
require("/standin/server.js");

// Starts a server, prints its pid, and waits to be killed: the orphan scenario's parent.
import { NatsServer } from '../dist/index.js';

const server = await NatsServer.start({ jetStream: false });
process.stdout.write(`${server.pid}\n`);
setInterval(() => {}, 1_000);

import { createServer, connect } from 'node:net';
let perTurn = 0; const hist: Record<number, number> = {};
const server = createServer((s) => { perTurn++; s.on('data', () => {}); });
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const port = (server.address() as any).port;
// each turn: record how many connections were accepted, then busy 20 ms
let turns = 0;
const turn = () => { hist[perTurn] = (hist[perTurn] ?? 0) + 1; perTurn = 0; const t = performance.now(); while (performance.now() - t < 20); if (++turns < 60) setImmediate(turn); else { console.log(hist); process.exit(0); } };
setImmediate(turn);
// client in a child-free way: open 500 connections quickly from a worker thread
import { Worker } from 'node:worker_threads';
new Worker(`const net=require('net'); let n=0; const go=()=>{ for(let i=0;i<10&&n<500;i++,n++){ net.connect(${port},'127.0.0.1').on('error',()=>{}); } if(n<500) setTimeout(go,5); }; go();`, { eval: true });

// Time to a usable first screen for two builds, measured in turns (see bench/compare.sh):
// node bench/compare.mjs <name> <url> <name> <url>, RUNS rounds (default 15).
import { coldThenWarm, launch, median, THROTTLE } from "./start.mjs";

const [nameA, urlA, nameB, urlB] = process.argv.slice(2);
const RUNS = Number(process.env.RUNS ?? 15);

const browser = await launch();
const builds = [
  { name: nameA, url: urlA, cold: [], warm: [] },
  { name: nameB, url: urlB, cold: [], warm: [] },
];
for (let i = 0; i < RUNS; i++) {
  // Each round in the other order, so neither build always goes first.
  for (const b of i % 2 ? builds : [...builds].reverse()) {
    const [cold, warm] = await coldThenWarm(browser, `${b.url}/child/early-years-check?lang=en`);
    b.cold.push(cold);
    b.warm.push(warm);
  }
}
await browser.close();

console.log(`first usable screen, ${THROTTLE}x CPU throttling, median of ${RUNS} taken in turns:`);
for (const b of builds) console.log(`  ${b.name.padEnd(12)} cold ${median(b.cold).toFixed(0)} ms, warm ${median(b.warm).toFixed(0)} ms`);

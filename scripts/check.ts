/**
 * Checks your exercises:
 *
 *   npm run check -- 03 2    exercise 2 of lab 03
 *   npm run check -- 03      every exercise of lab 03
 *   npm run check            every exercise of every lab
 *
 * Each exercise's checker runs against your code as it is now. It fails until the exercise is
 * done, and says what is still missing.
 */
import { findExercises, runChecker, shown } from './exercises.ts';

const [lab, number, ...rest] = process.argv.slice(2);
if (rest.length > 0 || (lab !== undefined && !/^\d\d$/.test(lab)) || (number !== undefined && !/^\d+$/.test(number))) {
  console.error('usage: npm run check -- [lab [exercise]], e.g. npm run check -- 03 2');
  process.exit(2);
}

const exercises = findExercises(undefined, lab).filter((exercise) => number === undefined || exercise.number === Number(number));
if (exercises.length === 0) {
  console.error(lab ? `No exercise ${number ?? ''} in lab ${lab}: see that lab's README, section Exercises.` : 'No exercises found.');
  process.exit(2);
}

let solved = 0;
for (const exercise of exercises) {
  console.log(`\nLab ${exercise.lab} · exercise ${exercise.number} · ${exercise.title}`);
  const { passed } = await runChecker(exercise, { echo: true });
  if (passed) {
    solved++;
    console.log('  Solved.');
  } else {
    console.log(`  Not yet: the statement is in ${shown(exercise.statement)}.`);
  }
}
console.log(`\n${solved} of ${exercises.length} exercise${exercises.length === 1 ? '' : 's'} solved.`);
process.exitCode = solved === exercises.length ? 0 : 1;

export {
  type BootstrapOptions,
  bootstrapInterval,
  type Interval,
  meanStd,
  tCdf,
  tInterval,
  tQuantile,
} from './intervals.js';

// Data mining building blocks of lecture 3: shingling, Jaccard, MinHash, LSH, k-means.
export { shingles, jaccard, type ShingleOptions } from "./shingles";
export { MinHash, minhashSignature, seededRandom, MINHASH_PRIME } from "./minhash";
export { MinHashLSH, evaluateCandidates } from "./lsh";
export { lloyd, kmeansPlusPlus, nearestCentre, squaredDistance, maxShift, cost as kmeansCost, type KMeansResult, type Point } from "./kmeans";
export { nearDuplicatesRDD, type NearDuplicateOptions, type NearDuplicatePair } from "./near-duplicates";

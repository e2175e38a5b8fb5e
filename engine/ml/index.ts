// pyspark.ml on the workbench: vectors, feature transformers, estimators trained with
// distributed passes on the workers, pipelines, evaluators and model selection.

export { Vectors, DenseVector, SparseVector, type Vector } from "./linalg";
export { Params, type ParamSpecs, type Param, type ParamMap } from "./params";
export { PipelineStage, Transformer, Estimator, Model } from "./base";
export { Pipeline, PipelineModel } from "./pipeline";
export {
  VectorAssembler, StringIndexer, StringIndexerModel, IndexToString, OneHotEncoder, OneHotEncoderModel,
  StandardScaler, StandardScalerModel, MinMaxScaler, MinMaxScalerModel, Imputer, ImputerModel, Bucketizer, QuantileDiscretizer,
  Tokenizer, RegexTokenizer, HashingTF, IDF, IDFModel,
} from "./features";
export { treeAggregate } from "./tree-aggregate";
export { LinearRegression, LinearRegressionModel, type LinearRegressionSummary } from "./regression";
export { LogisticRegression, LogisticRegressionModel, LogisticRegressionTrainingSummary } from "./classification";
export { KMeans, KMeansModel, type KMeansSummary } from "./clustering";
export {
  Evaluator, RegressionEvaluator, BinaryClassificationEvaluator, MulticlassClassificationEvaluator, ClusteringEvaluator,
  ConfusionMatrix, curveChart,
} from "./evaluation";
export {
  ParamGridBuilder, CrossValidator, CrossValidatorModel, TrainValidationSplit, TrainValidationSplitModel, param,
} from "./tuning";
export { DecisionTreeClassifier, DecisionTreeClassificationModel } from "./tree";
export { RandomForestClassifier, RandomForestClassificationModel } from "./random-forest";
export { StopWordsRemover, CountVectorizer, CountVectorizerModel } from "./text-features";
export { PCA, PCAModel } from "./pca";
export { VectorIndexer, VectorIndexerModel } from "./vector-indexer";
export { NaiveBayes, NaiveBayesModel } from "./naive-bayes";
export { loadStage, saveStage, type MLSession } from "./persistence";
import "./persist-stages";
export { MinHashLSH, MinHashLSHModel } from "./lsh";

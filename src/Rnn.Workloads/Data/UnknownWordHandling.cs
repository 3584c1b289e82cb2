namespace Rnn.Workloads.Data;

/// <summary>What the IMDB tokenizer does with a word that is not in the word index at all.</summary>
public enum UnknownWordHandling
{
    /// <summary>Drop the word, as Keras <c>Tokenizer.texts_to_sequences</c> does without an oov_token. This is how
    /// the Keras imdb.npz test split was made: its mean length (230.8 ids) is only reproduced when the 63,712 test
    /// words absent from the train-built index are dropped.</summary>
    Skip,

    /// <summary>Map the word to the out-of-vocabulary id 2, like a word whose rank is beyond the vocabulary.</summary>
    OutOfVocabulary,
}

namespace Rnn.Workloads.Data;

/// <summary>Which end of a sequence padding is added to, or truncation removes from (Keras 'pre' / 'post').</summary>
public enum PaddingSide
{
    Pre,
    Post,
}

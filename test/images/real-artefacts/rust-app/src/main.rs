use smallvec::SmallVec;

fn main() {
    let mut v: SmallVec<[u8; 4]> = SmallVec::new();
    v.insert_many(0, [1u8, 2, 3]);
    println!("{}", v.len());
}
